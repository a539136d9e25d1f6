#!/usr/bin/env node
/**
 * Section l's client: `ns-scale-client.js --port N --steps 1000,100000 [--pyro4]`. Fills the name
 * server up to each step's count of names (batches of register calls; name `bench.scale.<g>.<k>`
 * with tag `group:<g>`, ten names per group), prints `POPULATED <count> <seconds>`, then times
 * sequential calls and prints `LATENCY {json}`: `lookup` of random names, `list(prefix)` of one
 * group (10 names) and the tag search of one group (10 names): `yplookup` on pyrots, `list` with
 * `metadata_all` on Pyro4 4.82 (`--pyro4`), which has no `yplookup`. Every answer is checked.
 */
import { parseArgs } from "node:util";
import { Proxy, batch, callWithKwargs, runBatch } from "@pyrots/core";
import { setTimeout as sleep } from "node:timers/promises";

/** Registrations per batch while filling. */
const BATCH = 500;
/** Timed calls of each kind per step. */
const CALLS = { lookup: 400, list: 150, tags: 150 };

const { values } = parseArgs({ options: { port: { type: "string" }, steps: { type: "string" }, pyro4: { type: "boolean", default: false } } });
const ns = new Proxy(`PYRO:Pyro.NameServer@127.0.0.1:${values.port}`);
await ns.ping();

const nameOf = (i: number) => `bench.scale.${Math.floor(i / 10)}.${i % 10}`;
const uriOf = (i: number) => `PYRO:obj${i}@127.0.0.1:${10_000 + (i % 50_000)}`;

async function fill(from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += BATCH) {
    const b = batch(ns);
    for (let i = start; i < Math.min(to, start + BATCH); i++) b.register(nameOf(i), uriOf(i), false, [`group:${Math.floor(i / 10)}`]);
    await runBatch(b);
  }
}

/** Median and p99 of `count` timed runs of `call`, in µs. */
async function time(count: number, call: (k: number) => Promise<void>): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let k = 0; k < count; k++) {
    const started = performance.now();
    await call(k);
    samples.push((performance.now() - started) * 1000);
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[samples.length >> 1]!, p99: samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.99))]! };
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`wrong answer: ${what}`);
}

let filled = 0;
for (const step of (values.steps ?? "1000").split(",").map(Number)) {
  const started = performance.now();
  await fill(filled, step);
  filled = step;
  console.log(`POPULATED ${step} ${((performance.now() - started) / 1000).toFixed(2)}`);
  // Random but repeatable picks, spread over every name.
  const pick = (k: number) => (k * 7919 + 13) % step;
  const groups = step / 10;
  const lookup = await time(CALLS.lookup, async (k) => {
    const i = pick(k);
    check(String(await ns.lookup(nameOf(i))) === uriOf(i), `lookup ${nameOf(i)}`);
  });
  const list = await time(CALLS.list, async (k) => {
    const g = pick(k) % groups;
    const names = (await callWithKwargs(ns, "list", [], { prefix: `bench.scale.${g}.` })) as Record<string, string>;
    check(Object.keys(names).length === 10, `list prefix group ${g}`);
  });
  const tags = await time(CALLS.tags, async (k) => {
    const g = pick(k) % groups;
    const names = values.pyro4
      ? ((await callWithKwargs(ns, "list", [], { metadata_all: [`group:${g}`] })) as Record<string, string>)
      : ((await callWithKwargs(ns, "yplookup", [], { meta_all: [`group:${g}`], return_metadata: false })) as Record<string, string>);
    check(Object.keys(names).length === 10, `tag search group ${g}`);
  });
  console.log(`LATENCY ${JSON.stringify({ step, lookup, list, tags })}`);
  await sleep(500);
}
await ns[Symbol.asyncDispose]();
console.log("DONE");
process.exit(0);
