/**
 * Port of Pyro4's `examples/disconnects`, the client: a call after the server dropped the idle
 * connection. The Python example needs a proxy subclass that pings before every call and
 * reconnects; a pyrots proxy notices the closed connection by itself and connects again for the
 * next call.
 */
import { Proxy } from "@pyrots/core";
import { input, print } from "../common/python.js";

print("You can run this client on a different computer so you can disable the network connection (by yanking out the lan cable or whatever).");
print("Alternatively, wait for a timeout on the server, which will then close its connection.");
const uri = (await input("Uri of server? ")).trim();

await using obj = new Proxy<{ echo(arg: string): string }>(uri);
let result = await obj.echo("12345");
print("result =", result);
print(
  "\nClient proxy connection is still open. Disable the network now (or wait until the connection timeout on the server expires) and see what the server does.",
);
print("Once you see on the server that it got a timeout or a disconnect, enable the network again.");
await input("Press enter to continue:");
print("\nDoing a new call on the same proxy:");
result = await obj.echo("12345");
print("result =", result);
