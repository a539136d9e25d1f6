#!/usr/bin/env node
/**
 * Section j's pyrots client: `iterate-client.js --port N --items N --seconds S`. Iterates the bench
 * object's `items(n)` generator with `for await`, checking each item, until it ends or `S` seconds
 * have passed, then prints `RESULT {"items": k, "seconds": s}`.
 */
import { parseArgs } from "node:util";
import { Proxy, bind } from "@pyrots/core";
import { RESULT_PREFIX } from "./contract.js";

interface ItemsApi {
  items(n: number): Iterable<number>;
}

const { values } = parseArgs({ options: { port: { type: "string" }, items: { type: "string" }, seconds: { type: "string" } } });
const total = Number(values.items);
const limitMs = Number(values.seconds) * 1000;
const proxy = new Proxy<ItemsApi>(`PYRO:bench@127.0.0.1:${values.port}`);
await bind(proxy);
let count = 0;
const started = performance.now();
for await (const item of proxy.items(total)) {
  if (item !== count) throw new Error(`item ${count} is ${String(item)}`);
  count++;
  if ((count & 255) === 0 && performance.now() - started > limitMs) break;
}
const seconds = (performance.now() - started) / 1000;
if (count < total && seconds * 1000 <= limitMs) throw new Error(`the iterator ended after ${count} of ${total} items`);
await proxy[Symbol.asyncDispose]();
console.log(RESULT_PREFIX + JSON.stringify({ items: count, seconds }));
process.exit(0);
