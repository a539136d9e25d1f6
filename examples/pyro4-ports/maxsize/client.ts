/**
 * Port of Pyro4's `examples/maxsize`: a message over MAX_MESSAGE_SIZE is refused before it is
 * sent, with a MessageTooLargeError. Pyro4 sets the limit globally (`Pyro4.config`); in pyrots it
 * is an option of each proxy (or `PYRO_MAX_MESSAGE_SIZE` for all).
 */
import { MessageTooLargeError, Proxy } from "@pyrots/core";
import { input, print } from "../common/python.js";

interface EchoServer {
  echo(value: unknown): unknown;
}

const hugeObject = new Array<number>(10000).fill(42);
const simpleObject = { message: "hello", irrelevant: hugeObject };

print("First start the built-in test echo server with something like:");
print("$ python -m Pyro4.test.echoserver");
print("Enter the server's uri that was printed:");
const uri = (await input()).trim();

print("\nSending big data with no limit on message size...");
await new Proxy<EchoServer>(uri, { maxMessageSize: 0 }).echo(simpleObject);
print("success.");

try {
  print("\nSending big data with a limit on message size...");
  await new Proxy<EchoServer>(uri, { maxMessageSize: 2500 }).echo(simpleObject);
  print("Hmm, this should have raised an exception");
} catch (x) {
  if (!(x instanceof MessageTooLargeError)) throw x;
  print("EXCEPTION (expected):", x.message);
}
