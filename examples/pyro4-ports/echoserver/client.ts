/**
 * Port of Pyro4's `examples/echoserver`, a client of Pyro4's test echo server: pyrots serves the
 * same object with `npx pyro-echoserver` (Pyro4: `python -m Pyro4.test.echoserver`).
 */
import { Proxy } from "@pyrots/core";
import { getPyroTraceback, input, print, str } from "../common/python.js";

interface EchoServer {
  echo(value: unknown): unknown;
  generator(): Generator<string>;
  error(): never;
  shutdown(): void;
}

print("First start the built-in test echo server with something like:");
print("$ python -m Pyro4.test.echoserver");
print("Enter the server's uri that was printed:");
const uri = (await input()).trim();
const echoserver = new Proxy<EchoServer>(uri);

let response = await echoserver.echo("hello");
print(`\ngot back from the server: ${str(response)}`);
response = await echoserver.echo([1, 2, 3, 4]);
print(`got back from the server: ${str(response)}`);

for await (const element of echoserver.generator()) print("got element from remote iterator:", element);

try {
  await echoserver.error();
} catch (error) {
  print("\ncaught an exception (expected), traceback:");
  print(getPyroTraceback(error));
}

print("\nshutting down the test echo server. (restart it if you want to run this again)");
await echoserver.shutdown();
