/**
 * Port of Pyro4's `examples/distributed-computing`, a worker: takes work from the dispatcher,
 * factorizes the number, puts the result back; forever.
 */
import { hostname } from "node:os";
import { Proxy, RemoteError } from "@pyrots/core";
import { primeFactors } from "../common/factorize.js";
import { print } from "../common/python.js";
import { WORKITEM_CLASSES, type Workitem } from "./workitem.js";

const WORKERNAME = `Worker_${process.pid}@${hostname()}`;

interface Dispatcher {
  getWork(): Workitem;
  putResult(item: Workitem): void;
}

function processItem(item: Workitem): void {
  print(`factorizing ${item.data} -->`);
  item.result = primeFactors(item.data);
  print(item.result);
  item.processedBy = WORKERNAME;
}

const dispatcher = new Proxy<Dispatcher>("PYRONAME:example.distributed.dispatcher", { dictToClass: WORKITEM_CLASSES });
print(`This is worker ${WORKERNAME}`);
print("getting work from dispatcher.");
for (;;) {
  let item: Workitem;
  try {
    item = await dispatcher.getWork();
  } catch (error) {
    if (!(error instanceof RemoteError && error.remoteName === "ValueError")) throw error;
    print("no work available yet.");
    continue;
  }
  processItem(item);
  await dispatcher.putResult(item);
}
