/**
 * Port of Pyro4's `examples/streaming`, the client: a remote iterator is an async iterable;
 * `list(p.generator())` collects it, `for number in p.slow_generator()` is `for await`.
 */
import { Proxy } from "@pyrots/core";
import { input, print } from "../common/python.js";

interface Streamer {
  list(): number[];
  iterator(): Iterator<number>;
  generator(): Generator<number>;
  slow_generator(): AsyncGenerator<number>;
}

/** Python's `list(iterable)` for a remote iterator. */
async function list<T>(items: AsyncIterable<T>): Promise<T[]> {
  const collected: T[] = [];
  for await (const item of items) collected.push(item);
  return collected;
}

const uri = (await input("Enter streaming server uri: ")).trim();
await using p = new Proxy<Streamer>(uri);
print("\nnormal list:");
print(await p.list());
print("\nvia iterator:");
print(await list(p.iterator()));
print("\nvia generator:");
print(await list(p.generator()));
print("\nslow generator:");
for await (const number of p.slow_generator()) print(number);
