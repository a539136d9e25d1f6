/**
 * Port of Pyro4's `examples/ser_custom/client.py`: sends a Thingy and an OtherThingy and prints
 * what comes back, using serpent as the example forces.
 */
import { Proxy } from "@pyrots/core";
import { input, print } from "../common/python.js";
import { CUSTOM_CLASSES, OtherThingy, Thingy, typeName } from "./mycustomclasses.js";

interface Server {
  method(arg: Thingy): Thingy;
  othermethod(arg: OtherThingy): OtherThingy;
}

const uri = await input("Enter the URI of the server object: ");
await using serv = new Proxy<Server>(uri, { serializer: "serpent", dictToClass: CUSTOM_CLASSES });
print("\nTransferring thingy...");
let response: unknown = await serv.method(new Thingy(42));
print("type of response object:", typeName(response));
print("response:", response);
print("\nTransferring otherthingy...");
response = await serv.othermethod(new OtherThingy(42));
print("type of response object:", typeName(response));
print("response:", response);
