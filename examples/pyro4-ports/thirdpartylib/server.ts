/**
 * Port of Pyro4's `examples/thirdpartylib/server.py`: a library class exposed without touching
 * its source, by calling `expose` as a function (every public method becomes remote).
 *
 * One difference shows here: `weird()` returns an instance of a library class. Pyro4 refuses to
 * serialize instances of classes it does not know (the client gets a SerializeError); pyrots
 * sends a class instance as a dict of its fields, as JSON would (the client gets
 * `{'value': 'awesome'}`).
 */
import { Daemon, expose } from "@pyrots/core";
import { print } from "../common/python.js";
import { AwesomeClass } from "./awesome-thirdparty-library.js";

const ExposedClass = expose(AwesomeClass);

await using daemon = await Daemon.create();
const uri = daemon.register(ExposedClass, "example.thirdpartylib");
print("wrapped class registered, uri: ", uri.toString());
await daemon.requestLoop();
