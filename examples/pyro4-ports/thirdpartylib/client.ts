/**
 * Port of Pyro4's `examples/thirdpartylib/client.py`, for both of its servers.
 */
import { Proxy, PyroError, SerializeError } from "@pyrots/core";
import { input, print } from "../common/python.js";

interface Awesome {
  method(arg: string): string;
  weird(): unknown;
  private(): string;
}

const uri = (await input("Enter the URI of the thirdparty library object: ")).trim();
await using remote = new Proxy<Awesome>(uri);
print(await remote.method("how are you?"));

try {
  print(await remote.weird());
} catch (error) {
  if (!(error instanceof SerializeError)) throw error;
  print("couldn't call weird() due to serialization error of the result value! (is ok)");
}

try {
  print(await remote.private()); // we can call this if the full class is exposed...
} catch (error) {
  // The proxy knows the exposed members (it got them when connecting) and refuses others itself.
  if (!(error instanceof PyroError)) throw error;
  print("couldn't call private(), it doesn't seem to be exposed! (is ok)");
}
