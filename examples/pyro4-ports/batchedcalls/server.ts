/**
 * Port of Pyro4's `examples/batchedcalls`, the server: batches are the client's business (the
 * daemon runs a batch's calls in order and answers once). Only the size differs: a pyrots daemon
 * runs at most `MAX_BATCH_CALLS` calls per batch (10,000 by default; Pyro4 has no limit), and the
 * example's client sends 40,002, so this daemon allows more.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { PythonError, expose } from "@pyrots/core";
import { serveSimple } from "../common/serve-simple.js";

@expose
class Thingy {
  multiply(a: number, b: number): number {
    return a * b;
  }

  add(a: number, b: number): number {
    return a + b;
  }

  /** Python's `a // b`: floor division, and an error for 0. */
  divide(a: number, b: number): number {
    if (b === 0) throw new PythonError("builtins.ZeroDivisionError", "integer division or modulo by zero");
    return Math.floor(a / b);
  }

  error(): number {
    return this.divide(1, 0);
  }

  async delay(seconds: number): Promise<number> {
    await sleep(seconds * 1000);
    return seconds;
  }

  printmessage(message: string): number {
    console.log(message);
    return 0;
  }
}

await serveSimple([[Thingy, "example.batched"]], { ns: false, maxBatchCalls: 50_000 });
