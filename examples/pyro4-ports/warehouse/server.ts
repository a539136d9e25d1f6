/**
 * Port of Pyro4's `examples/warehouse` (the tutorial), the warehouse: phase 3 by default (its
 * name is registered in the name server), phase 2 with `--no-ns` (clients are given its URI).
 *
 * Pyro4's `@Pyro4.expose` and `@Pyro4.behavior(instance_mode="single")` are `@expose` and
 * `@behavior({ instanceMode: "single" })`; `Daemon.serveSimple` is the ports' `serveSimple`.
 */
import { PythonError, behavior, expose } from "@pyrots/core";
import { serveSimple } from "../common/serve-simple.js";

@expose
@behavior({ instanceMode: "single" })
class Warehouse {
  private readonly contents = ["chair", "bike", "flashlight", "laptop", "couch"];

  list_contents(): string[] {
    return this.contents;
  }

  take(name: string, item: string): void {
    const index = this.contents.indexOf(item);
    // What Python's list.remove raises, so that a Python visitor sees the same error.
    if (index < 0) throw new PythonError("builtins.ValueError", "list.remove(x): x not in list");
    this.contents.splice(index, 1);
    console.log(`${name} took the ${item}.`);
  }

  store(name: string, item: string): void {
    this.contents.push(item);
    console.log(`${name} stored the ${item}.`);
  }
}

await serveSimple([[Warehouse, "example.warehouse"]], { ns: !process.argv.includes("--no-ns") });
