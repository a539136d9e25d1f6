/**
 * Port of Pyro4's `examples/distributed-computing`, the client: puts 40 numbers in the dispatcher's
 * work queue and collects the factorizations the workers put in its result queue.
 */
import { randomInt } from "node:crypto";
import { Proxy, type Remote, RemoteError } from "@pyrots/core";
import { print, repr } from "../common/python.js";
import { WORKITEM_CLASSES, Workitem } from "./workitem.js";

const NUMBER_OF_ITEMS = 40;

interface Dispatcher {
  putWork(item: Workitem): void;
  getResult(): Workitem;
  workQueueSize(): number;
  resultQueueSize(): number;
}

async function placework(dispatcher: Remote<Dispatcher>): Promise<void> {
  print("placing work items into dispatcher queue.");
  for (let i = 0; i < NUMBER_OF_ITEMS; i++) {
    const number = randomInt(3211, 5000000) * randomInt(3211, 1000000);
    await dispatcher.putWork(new Workitem(i + 1, number));
  }
}

async function collectresults(dispatcher: Remote<Dispatcher>): Promise<Map<number, number[] | null>> {
  print("getting results from dispatcher queue.");
  const numbers = new Map<number, number[] | null>();
  while (numbers.size < NUMBER_OF_ITEMS) {
    try {
      const item = await dispatcher.getResult();
      print(`Got result: ${item} (from ${item.processedBy})`);
      numbers.set(item.data, item.result);
    } catch (error) {
      if (!(error instanceof RemoteError && error.remoteName === "ValueError")) throw error;
      print(`Not all results available yet (got ${numbers.size} out of ${NUMBER_OF_ITEMS}). Work queue size: ${await dispatcher.workQueueSize()}`);
    }
  }
  if ((await dispatcher.resultQueueSize()) > 0) print("there's still stuff in the dispatcher result queue, that is odd...");
  return numbers;
}

print("\nThis program will calculate Prime Factorials of a bunch of random numbers.");
print("The more workers you will start (on different cpus/cores/machines),");
print("the faster you will get the complete list of results!\n");
let numbers: Map<number, number[] | null>;
{
  await using dispatcher = new Proxy<Dispatcher>("PYRONAME:example.distributed.dispatcher", { dictToClass: WORKITEM_CLASSES });
  await placework(dispatcher);
  numbers = await collectresults(dispatcher);
}
print("\nComputed Prime Factorials follow:");
for (const [number, factorials] of numbers) print(`${number} --> ${repr(factorials)}`);
