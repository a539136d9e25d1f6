/**
 * Port of Pyro4's `examples/distributed-computing3`, the client: 100 factorizations, each sent to
 * whichever worker the name server picks among those tagged `example3.worker.factorizer`.
 */
import { Proxy, uriOf } from "@pyrots/core";
import { print, repr } from "../common/python.js";

interface Factorizer {
  factorize(n: number): number[];
}

/** Python's `random.randint(low, high)`: both ends included. */
function randint(low: number, high: number): number {
  return low + Math.floor(Math.random() * (high - low + 1));
}

for (let i = 0; i < 100; i++) {
  // A new proxy each time: each PYROMETA: lookup may pick another worker.
  await using w = new Proxy<Factorizer>("PYROMETA:example3.worker.factorizer");
  const n = randint(3211, 12000) * randint(4567, 21000);
  const result = await w.factorize(n);
  print(`${uriOf(w).object} factorized ${n}: ${repr(result)}`);
}
