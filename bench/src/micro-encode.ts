/**
 * Micro-benchmark of encoding (what a value becomes on the wire), run by hand:
 *
 *   npm run -s build && node bench/dist/micro-encode.js [--ms 100] [--rounds 7] [--baseline DIR] [--only TEXT] [--serializer NAME]
 *
 * For typical payloads (a call `["obj","add",[1,2],{}]`, a reply of 100 dicts, 10,000 floats,
 * a 1 MiB Buffer, nested records, records with timestamps and Dates) it encodes in a loop with
 * msgpack (as the daemon and proxy do: `encodeParts`/`encodeCallParts`), json and serpent, and
 * prints the best round's CPU µs per encode beside msgpackr's bare `pack` of the same value (what
 * the bench's TCP+msgpackr baseline pays).
 *
 * `--baseline DIR` names the `dist` folder of another build of @pyrots/core (for instance a copy
 * of `packages/core/dist` made before a change, kept somewhere below the repository so that its
 * `msgpackr` import resolves): its serializers run in rounds alternating with this build's, and
 * the table shows both and their ratio. Alternating rounds and keeping the best make the ratios
 * hold up on a shared, loaded machine. `--only` keeps the payloads whose name contains TEXT,
 * `--serializer` one serializer.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Packr } from "msgpackr";
import * as current from "@pyrots/core/internal";
import type { Serializer } from "@pyrots/core/internal";

const { values: options } = parseArgs({
  options: {
    ms: { type: "string", default: "100" },
    rounds: { type: "string", default: "7" },
    baseline: { type: "string" },
    only: { type: "string" },
    serializer: { type: "string" },
  },
});
const WINDOW_MS = Number(options.ms);
const ROUNDS = Number(options.rounds);

interface Build {
  msgpackSerializer: Serializer;
  jsonSerializer: Serializer;
  serpentSerializer: Serializer;
}

const baseline: Build | undefined = options.baseline ? ((await import(pathToFileURL(resolve(options.baseline, "internal.js")).href)) as Build) : undefined;

/** A value to encode, or a call (then encoded as an INVOKE payload). */
interface Payload {
  name: string;
  value: unknown;
  call?: { object: string; method: string; args: unknown[]; kwargs: Record<string, unknown> };
}

function randomBytes(length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  let seed = 42;
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = seed >> 16;
  }
  return bytes;
}

const rows = Array.from({ length: 100 }, (_, i) => ({
  id: i,
  name: `item ${i}`,
  price: 10 + i / 8,
  tags: ["red", "large", `batch-${i % 7}`],
  active: i % 3 === 0,
  owner: null,
}));
const floats = Array.from({ length: 10_000 }, (_, i) => Math.sin(i) * 1000);
const order = (n: number) => ({
  id: `order-${n}`,
  customer: { name: "Ada Lovelace", address: { street: "1 Analytical Way", city: "London", geo: { lat: 51.5, lon: -0.12 } }, vip: true },
  lines: Array.from({ length: 10 }, (_, i) => ({ sku: `sku-${i}`, qty: i + 1, price: { amount: 9.99 + i, currency: "EUR" }, notes: [] })),
  meta: { source: "web", flags: { gift: false, express: n % 2 === 0 } },
});
const nested = Array.from({ length: 20 }, (_, i) => order(i));
const stamped = Array.from({ length: 100 }, (_, i) => ({
  id: i,
  at: 1_700_000_000_000 + i * 1000,
  seen: new Date(1_700_000_000_000 + i),
  big: BigInt(i) ** 3n,
}));

const PAYLOADS: Payload[] = [
  { name: 'call ["obj","add",[1,2],{}]', value: null, call: { object: "obj", method: "add", args: [1, 2], kwargs: {} } },
  { name: "reply: 100 dicts", value: rows },
  { name: "10,000 floats", value: floats },
  { name: "1 MiB Buffer", value: randomBytes(2 ** 20) },
  { name: "nested records (20 orders)", value: nested },
  { name: "100 records, ms stamps + Date", value: stamped },
];

const packr = new Packr({ useRecords: false, mapsAsObjects: true, encodeUndefinedAsNil: true, variableMapSize: true, moreTypes: false, bundleStrings: false });

/** The encode a daemon or proxy does for this payload with `serializer`. */
function encoder(serializer: Serializer, payload: Payload): () => unknown {
  const call = payload.call;
  if (call) {
    if (serializer.encodeCallParts) return () => serializer.encodeCallParts!(call.object, call.method, call.args, call.kwargs, 24);
    return () => serializer.encodeCall(call.object, call.method, call.args, call.kwargs, 24);
  }
  if (serializer.encodeParts) return () => serializer.encodeParts!(payload.value, 24);
  return () => serializer.encode(payload.value, 24);
}

/**
 * CPU µs per call of `fn` in one round of {@link WINDOW_MS} of CPU time. CPU time, not wall time:
 * on a shared machine the process is descheduled often, and those pauses are nobody's cost.
 */
function round(fn: () => unknown): number {
  let count = 0;
  const start = process.cpuUsage();
  let spent = 0;
  do {
    for (let i = 0; i < 8; i++) fn();
    count += 8;
    const used = process.cpuUsage(start);
    spent = used.user + used.system;
  } while (spent < WINDOW_MS * 1000);
  return spent / count;
}

/** Best µs per op of each function, measured in alternating rounds. */
function race(fns: ReadonlyArray<() => unknown>): number[] {
  for (const fn of fns) round(fn);
  const best = fns.map(() => Infinity);
  for (let i = 0; i < ROUNDS; i++) fns.forEach((fn, j) => (best[j] = Math.min(best[j]!, round(fn))));
  return best;
}

const pad = (text: string, width: number): string => (text.length >= width ? text : " ".repeat(width - text.length) + text);
const us = (value: number): string => (value >= 1000 ? `${(value / 1000).toFixed(2)} ms` : `${value.toFixed(value < 10 ? 2 : 1)} µs`);

const header = baseline
  ? ["payload", "serializer", "before", "after", "after/before", "msgpackr alone"]
  : ["payload", "serializer", "encode", "msgpackr alone"];
const widths = [32, 10, 10, 10, 12, 14];
console.log(
  `encode: best of ${ROUNDS} alternating rounds of ${WINDOW_MS} ms CPU time, Node ${process.version}${baseline ? `, before = ${options.baseline}` : ""}`,
);
console.log(header.map((h, i) => (i < 2 ? h.padEnd(widths[i]!) : pad(h, widths[i]!))).join("  "));
for (const payload of PAYLOADS.filter((p) => options.only === undefined || p.name.includes(options.only))) {
  for (const name of (["msgpack", "json", "serpent"] as const).filter((n) => options.serializer === undefined || n === options.serializer)) {
    const key = `${name}Serializer` as const;
    const fns = [encoder(current[key], payload)];
    if (baseline) fns.unshift(encoder(baseline[key], payload));
    const bare = payload.call ? [payload.call.object, payload.call.method, payload.call.args, payload.call.kwargs] : payload.value;
    if (name === "msgpack") fns.push(() => packr.pack(bare));
    const times = race(fns);
    const cells = [payload.name.padEnd(widths[0]!), name.padEnd(widths[1]!)];
    if (baseline) cells.push(pad(us(times[0]!), widths[2]!), pad(us(times[1]!), widths[3]!), pad((times[1]! / times[0]!).toFixed(2), widths[4]!));
    else cells.push(pad(us(times[0]!), widths[2]!));
    cells.push(pad(name === "msgpack" ? us(times[times.length - 1]!) : "", widths[5]!));
    console.log(cells.join("  "));
  }
}
