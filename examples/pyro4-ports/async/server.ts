/**
 * Port of Pyro4's `examples/async/server.py`: a Thingy whose `divide` takes three seconds. The
 * delay is awaited, so the daemon serves other calls meanwhile (Pyro4's daemon gives each
 * connection a thread for the same effect).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { PythonError, expose } from "@pyrots/core";
import { print } from "../common/python.js";
import { serveSimple } from "../common/serve-simple.js";

@expose
class Thingy {
  async divide(a: number, b: number): Promise<number> {
    print(`dividing ${a} by ${b} after a slight delay`);
    await sleep(3000);
    if (b === 0) throw new PythonError("builtins.ZeroDivisionError", "integer division or modulo by zero");
    return Math.floor(a / b);
  }

  multiply(a: number, b: number): number {
    print(`multiply ${a} by ${b}, no delay`);
    return a * b;
  }

  add(value: number, increase: number): number {
    print(`adding ${increase} to ${value}, no delay`);
    return value + increase;
  }
}

await serveSimple([[Thingy, "example.async"]], { ns: false });
