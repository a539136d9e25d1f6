/**
 * Port of Pyro4's `examples/ser_custom/server.py`: a daemon (serpent, as the example forces) whose
 * methods take and return the custom classes, converted by the hooks of `mycustomclasses.ts`.
 */
import { expose } from "@pyrots/core";
import { print } from "../common/python.js";
import { serveSimple } from "../common/serve-simple.js";
import { CUSTOM_CLASSES, OtherThingy, Thingy } from "./mycustomclasses.js";

@expose
class Server {
  method(arg: unknown): Thingy {
    print("\nmethod called, arg=", arg);
    return new Thingy(999);
  }

  othermethod(arg: unknown): OtherThingy {
    print("\nothermethod called, arg=", arg);
    return new OtherThingy(999);
  }
}

await serveSimple([[Server, "example.customclasses"]], { ns: false, dictToClass: CUSTOM_CLASSES });
