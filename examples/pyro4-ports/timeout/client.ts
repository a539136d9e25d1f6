/**
 * Port of Pyro4's `examples/timeout`, the client: call timeouts and connect timeouts.
 *
 * Pyro4's `COMMTIMEOUT` and `proxy._pyroTimeout` are the `timeout` option of a proxy, or of
 * single calls with `withOptions(proxy, { timeout })`; 0 (or none) waits forever.
 */
import { Proxy, TimeoutError, bind, withOptions } from "@pyrots/core";
import { print } from "../common/python.js";

interface TimeoutServer {
  delay(amount: number): string;
}

/** Fails unless `seconds` is within 0.2 s of `expected`, as the Python client checks. */
function assertDuration(seconds: number, expected: number): void {
  if (Math.abs(seconds - expected) >= 0.2) throw new Error(`expected ${expected} seconds duration, took ${seconds.toFixed(2)}`);
}

/** Runs `call`, expecting a TimeoutError after `expected` seconds. */
async function expectTimeout(call: () => Promise<unknown>, expected: number): Promise<void> {
  const start = performance.now();
  try {
    await call();
    print("!?should have raised TimeoutError!?");
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    print("TimeoutError! As expected!");
    assertDuration((performance.now() - start) / 1000, expected);
  }
}

let obj = new Proxy<TimeoutServer>("PYRONAME:example.timeout", { timeout: 0 });
await bind(obj);
print("No timeout is configured. Calling delay with 2 seconds.");
let start = performance.now();
if ((await obj.delay(2)) !== "slept 2 seconds") throw new Error("unexpected result");
assertDuration((performance.now() - start) / 1000, 2);

print("Timeout set to 1 seconds. Calling delay with 2 seconds.");
await expectTimeout(() => withOptions(obj, { timeout: 1 }).delay(2), 1);

obj = new Proxy<TimeoutServer>("PYRONAME:example.timeout", { timeout: 1 });
print("COMMTIMEOUT is set globally. Calling delay with 2 seconds.");
await expectTimeout(() => obj.delay(2), 1);

print("No timeout is configured. Calling delay with 3 seconds.");
start = performance.now();
if ((await withOptions(obj, { timeout: 0 }).delay(3)) !== "slept 3 seconds") throw new Error("unexpected result");
assertDuration((performance.now() - start) / 1000, 3);

print("Trying to connect to the frozen daemon.");
const frozen = new Proxy<TimeoutServer>("PYRONAME:example.timeout.frozendaemon", { timeout: 1 });
print("Timeout set to 1 seconds. Trying to connect.");
await expectTimeout(() => frozen.delay(5), 1);

print("Disabling timeout and trying to connect again. This may take forever now.");
print("Feel free to abort with ctrl-c or ctrl-break.");
await new Proxy<TimeoutServer>("PYRONAME:example.timeout.frozendaemon", { timeout: 0 }).delay(1);
