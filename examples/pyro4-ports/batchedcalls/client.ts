/**
 * Port of Pyro4's `examples/batchedcalls`, the client: many calls one by one, then the same calls
 * in one batch, a oneway batch, a batch whose results come later, and a batch that fails midway.
 *
 * `batch = Pyro4.batch(p)` is `batch(p)`; `batch()` is `await runBatch(b)` (the results in order),
 * `batch(oneway=True)` is `runBatch(b, { oneway: true })`; `batch(asynchronous=True)` is simply
 * not awaiting `runBatch(b)` yet. A failing call ends the batch with a `BatchError` that holds
 * the results before it.
 */
import { BatchError, Proxy, batch, runBatch } from "@pyrots/core";
import { getPyroTraceback, input, print } from "../common/python.js";

interface Thingy {
  multiply(a: number, b: number): number;
  add(a: number, b: number): number;
  divide(a: number, b: number): number;
  delay(seconds: number): number;
  printmessage(message: string): number;
}

const NUMBER_OF_LOOPS = 20000;
const uri = (await input("enter server object uri: ")).trim();
const p = new Proxy<Thingy>(uri);

/** Seconds since `begin` (from performance.now()). */
const since = (begin: number) => (performance.now() - begin) / 1000;

print("Normal remote calls...");
let begin = performance.now();
let total = 0;
await p.printmessage("beginning normal calls");
for (let i = 0; i < NUMBER_OF_LOOPS; i++) {
  total += await p.multiply(7, 6);
  total += await p.add(10, 20);
}
await p.printmessage("end of normal calls");
if (total !== NUMBER_OF_LOOPS * (7 * 6 + 10 + 20)) throw new Error("wrong total");
let duration = since(begin);
print(`that took ${duration.toFixed(2)} seconds (${((NUMBER_OF_LOOPS * 2) / duration).toFixed(0)} calls/sec)`);
const durationNormal = duration;

print("\nBatched remote calls...");
begin = performance.now();
let b = batch(p); // a batch recorder for p: its calls are queued, not made
b.printmessage("beginning batch #1");
for (let i = 0; i < NUMBER_OF_LOOPS; i++) {
  b.multiply(7, 6);
  b.add(10, 20);
}
b.printmessage("end of batch #1");
print("processing the results...");
total = 0;
for (const result of await runBatch(b)) total += result as number;
duration = since(begin);
if (total !== NUMBER_OF_LOOPS * (7 * 6 + 10 + 20)) throw new Error("wrong total");
print(`total time taken ${duration.toFixed(2)} seconds (${Math.floor((NUMBER_OF_LOOPS * 2) / duration / 100) * 100} calls/sec)`);
print(`batched calls were ${(durationNormal / duration).toFixed(1)} times faster than normal remote calls`);

print("\nOneway batched remote calls...");
begin = performance.now();
b = batch(p);
b.printmessage("beginning batch #2");
for (let i = 0; i < NUMBER_OF_LOOPS; i++) {
  b.multiply(7, 6);
  b.add(10, 20);
}
b.delay(2); // a delay of 2 seconds (but we won't notice)
b.printmessage("end of batch #2");
print("executing batch, there will be no result values. Check server to see printed messages...");
await runBatch(b, { oneway: true });
duration = since(begin);
print(`total time taken ${duration.toFixed(2)} seconds (${Math.floor((NUMBER_OF_LOOPS * 2) / duration / 100) * 100} calls/sec)`);
print(`oneway batched calls were ${(durationNormal / duration).toFixed(1)} times faster than normal remote calls`);

print("\nBatched remote calls, asynchronous...");
b = batch(p);
b.printmessage("beginning batch #3");
b.multiply(7, 6);
b.add(10, 20);
b.delay(2); // a delay, but this doesn't matter: nobody waits yet
b.printmessage("end of batch #3");
print("executing the batch... (should return immediately because async)");
const asyncResults = runBatch(b);
print("processing the results...(should wait until async results become available)");
print("results=", await asyncResults);

print("\nBatch with an error. Dividing a number by decreasing divisors...");
for (let d = 3; d > -3; d--) b.divide(100, d); // 3, 2, 1, 0, -1, -2: but 0 will be a problem ;-)
print("getting results...");
let divisor = 3;
try {
  for (const result of await runBatch(b)) print(`100//${divisor--} = ${result}`);
} catch (error) {
  if (!(error instanceof BatchError)) throw error;
  // the results before the failing call, then its error
  for (const result of error.results) print(`100//${divisor--} = ${result}`);
  print("A divide by zero error occurred during the batch! (expected)");
  print(getPyroTraceback(error.cause));
}
