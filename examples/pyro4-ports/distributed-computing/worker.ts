/**
 * Port of Pyro4's `examples/distributed-computing`, a worker: takes work from the dispatcher,
 * factorizes the number, puts the result back; forever.
 */
import { hostname } from "node:os";
import { Proxy, RemoteError } from "@pyrots/core";
import { print } from "../common/python.js";
import { WORKITEM_CLASSES, type Workitem } from "./workitem.js";

const WORKERNAME = `Worker_${process.pid}@${hostname()}`;

interface Dispatcher {
  getWork(): Workitem;
  putResult(item: Workitem): void;
}

/** The prime factors of n, smallest first. */
function factorize(n: number): number[] {
  const primes: number[] = [];
  for (let candidate = 2; candidate * candidate <= n; candidate++) {
    while (n % candidate === 0) {
      primes.push(candidate);
      n /= candidate;
    }
  }
  if (n > 1) primes.push(n);
  return primes;
}

function processItem(item: Workitem): void {
  print(`factorizing ${item.data} -->`);
  item.result = factorize(item.data);
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
