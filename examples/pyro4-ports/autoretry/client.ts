/**
 * Port of Pyro4's `examples/autoretry`, the client: calls after the server dropped the connection,
 * without and with MAX_RETRIES.
 *
 * Here pyrots differs: its proxy sees the server close an idle connection and sends the next call
 * on a new one, so the third call succeeds even without retries (in Pyro4 it raises
 * ConnectionClosedError). Retries (`maxRetries`, Pyro4's `_pyroMaxRetries`) still matter for a
 * connection lost while a call is under way.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Proxy, release } from "@pyrots/core";
import { print, repr } from "../common/python.js";

interface CalcServer {
  add(num1: number, num2: number): number;
}

// no timeout on this side, and no automatic retries
let obj = new Proxy<CalcServer>("PYRONAME:example.autoretry", { timeout: 0, maxRetries: 0 });
print("Calling remote function 1st time (create connection)");
await obj.add(1, 1);
print("Calling remote function 2nd time (not timed out yet)");
await obj.add(2, 2);
print("Sleeping 1 second...");
await sleep(1000);
print("Calling remote function 3rd time (will raise an exception)");
try {
  await obj.add(3, 3);
} catch (e) {
  print(`Got exception ${repr(String(e))} as expected.`);
}

print("Now, let's enable the auto retry");
release(obj);
obj = new Proxy<CalcServer>("PYRONAME:example.autoretry", { timeout: 0, maxRetries: 2 });

print("Calling remote function 1st time (create connection)");
await obj.add(1, 1);
print("Calling remote function 2nd time (not timed out yet)");
await obj.add(2, 2);
print("Sleeping 1 second...");
await sleep(1000);
print("Calling remote function 3rd time (will not raise any exceptions)");
await obj.add(3, 3);
