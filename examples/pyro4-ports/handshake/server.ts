/**
 * Port of Pyro4's `examples/handshake`, the server: a daemon that admits only clients that send
 * the secret code in their handshake, and says when a client leaves.
 *
 * Pyro4's `Daemon.validateHandshake(conn, data)` and `Daemon.clientDisconnect(conn)` overrides
 * are the daemon options `validateHandshake(client, data)` and `onClientDisconnect(client)`.
 */
import { Daemon } from "@pyrots/core";
import { print, repr, tuple } from "../common/python.js";

const secretCode = "pancakes";

/** `host:port` as Python's `getpeername()` prints it. */
function peername(address: string): string {
  const [host, port] = [address.slice(0, address.lastIndexOf(":")), address.slice(address.lastIndexOf(":") + 1)];
  return repr(tuple(host, Number(port)));
}

await using daemon = await Daemon.create({
  validateHandshake(client, data) {
    print("Daemon received handshake request from:", peername(client.address));
    print("Handshake data:", data);
    if (data === secretCode) {
      print("Secret code okay! Connection accepted.");
      return ["how", "are", "you", "doing"]; // custom handshake response data
    }
    print("Secret code wrong! Connection refused.");
    throw new RangeError("wrong secret code, connection refused");
  },
  onClientDisconnect(client) {
    print("Daemon client disconnects:", peername(client.address));
  },
});
print("Server is ready. You can use the following URI to connect:");
print(daemon.uriFor("Pyro.Daemon").toString());
print("When asked, enter the following secret code: ", secretCode);
await daemon.requestLoop();
