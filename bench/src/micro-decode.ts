/**
 * Decode micro-benchmark: pyrots' own msgpack decoder beside msgpackr's `unpack` (alone, and with
 * the class-dict revive walk pyrots ran after it before it had its own decoder), and the json
 * decoder beside a bare `JSON.parse`, over typical payloads. Not part of `npm run bench`:
 *
 *     node bench/dist/micro-decode.js [--quick]
 *     DECODE_BEFORE=/path/to/other/packages/core/dist/internal.js node bench/dist/micro-decode.js
 *
 * `DECODE_BEFORE` adds columns for the serializers of another build of @pyrots/core (e.g. the
 * commit before a change). Figures are CPU time per decode, the fastest of interleaved rounds.
 */
import { Packr } from "msgpackr";
import { type Serializer, jsonSerializer, msgpackSerializer } from "@pyrots/core/internal";

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 5 : 15;
const ROUND_NS = (quick ? 10 : 30) * 1e6;

const unpackr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  int64AsType: "auto" as "number",
  moreTypes: false,
  bundleStrings: false,
  structuredClone: false,
});

/** The revive walk that followed msgpackr's unpack before pyrots had its own decoder (class dicts are not met here). */
function reviveWalk(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item !== null && typeof item === "object") value[i] = reviveWalk(item);
    }
    return value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    if (item !== null && typeof item === "object") record[key] = reviveWalk(item);
  }
  return record;
}

const CLASS_KEY = Buffer.from("__class__", "latin1");
/** msgpackr's unpack plus the scan-or-walk that came after it (payloads from 4096 bytes were walked). */
function msgpackrWithRevive(data: Buffer): unknown {
  const value = unpackr.unpack(data);
  if (data.length >= 4096) return reviveWalk(value);
  return data.indexOf(CLASS_KEY) >= 0 ? reviveWalk(value) : value;
}

interface Payload {
  name: string;
  value: unknown;
}

const text = (n: number, unit: string) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
const PAYLOADS: Payload[] = [
  { name: 'call ["obj","add",[1,2],{}]', value: ["obj", "add", [1, 2], {}] },
  {
    name: "reply: 100 small dicts",
    value: Array.from({ length: 100 }, (_, i) => ({ id: i, name: `item ${i}`, price: i * 1.25, tags: ["a", "b"], ok: i % 2 === 0 })),
  },
  { name: "10,000 floats", value: Array.from({ length: 10_000 }, (_, i) => Math.sin(i) * 1000) },
  { name: "1 MiB bin", value: Buffer.alloc(2 ** 20, 7) },
  { name: "string 10 ASCII", value: text(10, "abcdefghij") },
  { name: "string 10 non-ASCII", value: text(10, "héllo wörld") },
  { name: "string 1000 ASCII", value: text(1000, "lorem ipsum ") },
  { name: "string 1000 non-ASCII", value: text(1000, "äöü ßçé ") },
  { name: "string 100000 ASCII", value: text(100_000, "lorem ipsum ") },
  { name: "string 100000 non-ASCII", value: text(100_000, "äöü ßçé ") },
];

/** CPU time of this process in ns: unlike the wall clock, not inflated while other processes run. */
function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

/**
 * ns of CPU per call of each function, measured in interleaved rounds (so that a burst of load
 * on a shared machine hits all of them alike); the fastest round of each counts.
 */
function measure(fns: ReadonlyArray<() => unknown>): number[] {
  const calls = fns.map((fn) => {
    let n = 1;
    for (;;) {
      const start = cpuNow();
      for (let i = 0; i < n; i++) fn();
      const elapsed = cpuNow() - start;
      if (elapsed > ROUND_NS / 4) return Math.max(1, Math.round((n * ROUND_NS) / elapsed));
      n *= 4;
    }
  });
  const best = fns.map(() => Infinity);
  for (let r = 0; r < ROUNDS; r++) {
    fns.forEach((fn, k) => {
      const start = cpuNow();
      for (let i = 0; i < calls[k]!; i++) fn();
      best[k] = Math.min(best[k]!, (cpuNow() - start) / calls[k]!);
    });
  }
  return best;
}

function figure(ns: number): string {
  return ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(1)} µs` : `${ns.toFixed(0)} ns`;
}

function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  process.stdout.write(`\n${title}\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n`);
  for (const row of rows) process.stdout.write(line(row) + "\n");
}

async function loadBefore(): Promise<{ msgpack: Serializer; json: Serializer } | undefined> {
  const path = process.env.DECODE_BEFORE;
  if (!path) return undefined;
  const module = (await import(path)) as { msgpackSerializer: Serializer; jsonSerializer: Serializer };
  return { msgpack: module.msgpackSerializer, json: module.jsonSerializer };
}

async function main(): Promise<void> {
  const before = await loadBefore();
  // Every decoder sees every payload first, so that none is measured before the JIT has seen it all.
  for (let round = 0; round < 20; round++) {
    for (const payload of PAYLOADS) {
      const packed = msgpackSerializer.encode(payload.value);
      msgpackSerializer.decode(packed);
      msgpackrWithRevive(packed);
      before?.msgpack.decode(packed);
      const json = jsonSerializer.encode(payload.value);
      jsonSerializer.decode(json);
      before?.json.decode(json);
    }
  }
  const msgpackRows: string[][] = [];
  const jsonRows: string[][] = [];
  for (const payload of PAYLOADS) {
    const packed = msgpackSerializer.encode(payload.value);
    const candidates = [() => msgpackSerializer.decode(packed), () => unpackr.unpack(packed), () => msgpackrWithRevive(packed)];
    if (before) candidates.push(() => before.msgpack.decode(packed));
    const [ours, bare, withRevive, old] = measure(candidates);
    const row = [payload.name, String(packed.length), figure(ours!), figure(bare!), figure(withRevive!), (ours! / withRevive!).toFixed(2)];
    if (old !== undefined) row.push(figure(old), (ours! / old).toFixed(2));
    msgpackRows.push(row);

    const json = jsonSerializer.encode(payload.value);
    const jsonCandidates = [() => jsonSerializer.decode(json), () => JSON.parse(json.toString("utf8"))];
    if (before) jsonCandidates.push(() => before.json.decode(json));
    const [ourJson, parse, oldJson] = measure(jsonCandidates);
    const jsonRow = [payload.name, String(json.length), figure(ourJson!), figure(parse!), (ourJson! / parse!).toFixed(2)];
    if (oldJson !== undefined) jsonRow.push(figure(oldJson), (ourJson! / oldJson).toFixed(2));
    jsonRows.push(jsonRow);
  }
  const msgpackHeader = ["msgpack payload", "bytes", "pyrots", "msgpackr", "msgpackr+walk", "pyrots/(msgpackr+walk)"];
  if (before) msgpackHeader.push("before", "pyrots/before");
  printTable("msgpack decode (time per payload)", msgpackHeader, msgpackRows);
  const jsonHeader = ["json payload", "bytes", "pyrots", "JSON.parse", "pyrots/JSON.parse"];
  if (before) jsonHeader.push("before", "pyrots/before");
  printTable("json decode (time per payload)", jsonHeader, jsonRows);
}

await main();
