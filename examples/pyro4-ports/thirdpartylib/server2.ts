/**
 * Port of Pyro4's `examples/thirdpartylib/server2.py`: an adapter that exposes only what should be
 * reachable and turns the library's odd return type into a plain value. (Python subclasses the
 * library class; in TypeScript the adapter holds a library object instead, since `weird()` changes
 * its return type.)
 */
import { Daemon, expose } from "@pyrots/core";
import { print } from "../common/python.js";
import { AwesomeClass } from "./awesome-thirdparty-library.js";

class AwesomeAdapterClass {
  private readonly library = new AwesomeClass();

  @expose
  method(arg: string): string {
    console.log("Adapter class is called...");
    return this.library.method(arg);
  }

  @expose
  weird(): string {
    // full control over what is returned: a plain string travels anywhere
    return "weird " + this.library.weird().value;
  }
}

await using daemon = await Daemon.create();
const uri = daemon.register(AwesomeAdapterClass, "example.thirdpartylib");
print("adapter class registered, uri: ", uri.toString());
await daemon.requestLoop();
