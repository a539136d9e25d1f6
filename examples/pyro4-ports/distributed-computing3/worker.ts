/**
 * Port of Pyro4's `examples/distributed-computing3`, a worker: factorizes numbers for whoever
 * asks. Workers register under unique names with the tag `example3.worker.factorizer`; clients
 * find one by that tag (`PYROMETA:`), not by name.
 */
import { hostname } from "node:os";
import { Daemon, expose, locateNS } from "@pyrots/core";
import { primeFactors } from "../common/factorize.js";
import { print } from "../common/python.js";

/** The factorizer each worker hosts. */
@expose
export class Worker {
  factorize(n: number): number[] {
    print("factorize request received for", n);
    const result = primeFactors(n);
    print("    -->", result);
    return result;
  }
}

// A unique name for this worker, so that workers do not overwrite each other's registrations.
const workerName = `Worker_${process.pid}@${hostname()}`;
await using daemon = await Daemon.create();
print("Starting up worker", workerName);
const uri = daemon.register(Worker);
{
  await using ns = await locateNS();
  await ns.register(workerName, uri, false, ["example3.worker.factorizer"]);
}
await daemon.requestLoop();
