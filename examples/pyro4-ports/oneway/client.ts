/**
 * Port of Pyro4's `examples/oneway`, the client: a oneway call resolves as soon as it is sent.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Proxy } from "@pyrots/core";
import { print } from "../common/python.js";

interface Server {
  oneway_start(duration: number): void;
  ready(): boolean;
  result(): string;
  nothing(): void;
  oneway_work(): void;
}

await using serv = new Proxy<Server>("PYRONAME:example.oneway");
print("starting server using a oneway call");
await serv.oneway_start(6);
print("doing some more oneway calls inbetween");
for (let i = 0; i < 4; i++) await serv.nothing();

await sleep(2000);
print("\nNow contacting the server to see if it's done.");
print("we are faster, so you should see a few attempts,");
print("until the server is finished.");
for (;;) {
  print("server done?");
  if (await serv.ready()) {
    print("yes!");
    break;
  }
  print("no, trying again");
  await sleep(1000);
}

print(`getting the result from the server: ${await serv.result()}`);
print("\nCalling oneway work method, server will continue working while we are done (check the server console output).");
await serv.oneway_work();
