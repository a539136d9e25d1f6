/**
 * Port of Pyro4's `examples/handshake`, the client: custom handshake data (the secret), and a
 * look at the daemon's handshake response.
 *
 * `proxy._pyroHandshake = secret` is the proxy option `handshake`; overriding
 * `_pyroValidateHandshake(response)` is the option `validateHandshake(response)`.
 */
import { Proxy, bind } from "@pyrots/core";
import { input, print } from "../common/python.js";

const uri = await input("Enter the URI of the server object: ");
const secret = await input("Enter the secret code of the server (or make a mistake on purpose to see what happens): ");

{
  await using proxy = new Proxy<{ ping(): void }>(uri, {
    handshake: secret,
    // called when the daemon accepted the connection
    validateHandshake: (response) => print("Proxy received handshake response data: ", response),
  });
  print("connecting...");
  await bind(proxy);
  await proxy.ping();
  print("Connection ok!");
}

print("done.");
