/**
 * Port of Pyro4's `examples/unixdomainsock`, the client: nothing special, the URI says where.
 */
import { Proxy } from "@pyrots/core";
import { input, print } from "../common/python.js";

let uri = (await input("enter the server uri: ")).trim();
if (uri.includes("\\x00")) {
  // an abstract-namespace socket (Linux): its name starts with a 0-byte
  uri = uri.replaceAll("\\x00", "\x00");
  print("(uri contains 0-byte)");
}

await using p = new Proxy<{ message(arg: string): string }>(uri);
const response = await p.message("Hello there!");
print("Response was:", response);
