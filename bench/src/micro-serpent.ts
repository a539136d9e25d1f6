/**
 * Micro-benchmark of the serpent serializer beside the json one, run by hand:
 *
 *   npm run -s build && node bench/dist/micro-serpent.js [--ms 300]
 *
 * For typical payloads (a call, a reply of 100 dicts, 10,000 floats, 1 MiB of bytes, long
 * strings) it encodes and decodes in a loop, json and serpent in alternating rounds of `--ms`
 * each (7 rounds after a warm-up), and prints the best round's µs per operation, serpent's
 * time relative to json's, payload sizes and serpent's decode throughput. Alternating rounds
 * and keeping the best make the ratios hold up on a shared, loaded machine.
 */
import { parseArgs } from "node:util";
import { type Serializer, jsonSerializer, serpentSerializer } from "@pyrots/core/internal";

const { values: options } = parseArgs({ options: { ms: { type: "string", default: "100" }, rounds: { type: "string", default: "7" } } });
const WINDOW_MS = Number(options.ms);
const ROUNDS = Number(options.rounds);

interface Payload {
  name: string;
  value: unknown;
  /** Encode and decode as an INVOKE call instead of a value. */
  call?: { object: string; method: string; args: unknown[]; kwargs: Record<string, unknown> };
  /** A serpent text to decode instead of serpent's own encoding (as Python writes it). */
  serpentText?: Buffer;
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

const MiB = 2 ** 20;
const bytes = randomBytes(MiB);
const rows = Array.from({ length: 100 }, (_, i) => ({
  id: i,
  name: `item ${i}`,
  price: 10 + i / 8,
  tags: ["red", "large", `batch-${i % 7}`],
  active: i % 3 === 0,
  owner: null,
}));
const floats = Array.from({ length: 10_000 }, (_, i) => Math.sin(i) * 1000);
const ascii = "lorem ipsum dolor sit amet, consectetur adipiscing elit ".repeat(Math.ceil(MiB / 56)).slice(0, MiB);
const mixed = 'héllo wörld ✓ it\'s a "quote" \\ tab\there\n'.repeat(Math.ceil(MiB / 44)).slice(0, MiB / 2);

const PAYLOADS: Payload[] = [
  { name: "call add(1, 2)", value: null, call: { object: "calc", method: "add", args: [1, 2], kwargs: {} } },
  { name: "reply: 100 dicts", value: rows },
  { name: "10,000 floats", value: floats },
  { name: "1 MiB bytes", value: bytes },
  {
    name: "1 MiB bytes as b'' (decode only)",
    value: bytes,
    serpentText: Buffer.from(
      `# serpent utf-8 python3.2\nb'${[...bytes].map((b) => (b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c ? String.fromCharCode(b) : "\\x" + b.toString(16).padStart(2, "0"))).join("")}'`,
    ),
  },
  { name: "1 MiB ASCII string", value: ascii },
  { name: "0.5 Mi chars, non-ASCII + escapes", value: mixed },
];

/** µs per call of `fn` in one round of {@link WINDOW_MS}. */
function round(fn: () => unknown): number {
  let count = 0;
  const start = performance.now();
  let now = start;
  do {
    fn();
    count++;
    now = performance.now();
  } while (now - start < WINDOW_MS);
  return ((now - start) * 1000) / count;
}

type Ops = { encode: () => unknown; decode: () => unknown; size: number };

function ops(serializer: Serializer, payload: Payload): Ops {
  if (payload.call) {
    const { object, method, args, kwargs } = payload.call;
    const encoded = serializer.encodeCall(object, method, args, kwargs);
    return { encode: () => serializer.encodeCall(object, method, args, kwargs), decode: () => serializer.decodeCall(encoded), size: encoded.length };
  }
  const encoded = serializer === serpentSerializer && payload.serpentText ? payload.serpentText : serializer.encode(payload.value);
  return { encode: () => serializer.encode(payload.value), decode: () => serializer.decode(encoded), size: encoded.length };
}

/** Best µs per op of json and serpent, measured in alternating rounds. */
function duel(json: () => unknown, serpent: () => unknown): [number, number] {
  json();
  serpent();
  round(json);
  round(serpent);
  let best: [number, number] = [Infinity, Infinity];
  for (let i = 0; i < ROUNDS; i++) best = [Math.min(best[0], round(json)), Math.min(best[1], round(serpent))];
  return best;
}

const pad = (text: string, width: number): string => (text.length >= width ? text : " ".repeat(width - text.length) + text);
const us = (value: number): string =>
  Number.isNaN(value) ? "-" : value >= 1000 ? `${(value / 1000).toFixed(2)} ms` : `${value.toFixed(value < 10 ? 2 : 1)} µs`;
const rate = (bytesPerOp: number, usPerOp: number): string => `${((bytesPerOp / MiB) * (1e6 / usPerOp)).toFixed(0)} MiB/s`;

const header = ["payload", "json enc", "serpent enc", "ratio", "json dec", "serpent dec", "ratio", "json B", "serpent B", "serpent dec rate"];
const widths = [34, 10, 11, 6, 10, 11, 6, 9, 10, 16];
console.log(`serpent vs json: best of ${ROUNDS} alternating rounds of ${WINDOW_MS} ms, Node ${process.version}`);
console.log(header.map((h, i) => (i === 0 ? h.padEnd(widths[i]!) : pad(h, widths[i]!))).join("  "));
for (const payload of PAYLOADS) {
  const json = ops(jsonSerializer, payload);
  const serpent = ops(serpentSerializer, payload);
  const [jsonEnc, serpentEnc] = payload.serpentText ? [NaN, NaN] : duel(json.encode, serpent.encode);
  const [jsonDec, serpentDec] = duel(json.decode, serpent.decode);
  const row = [
    payload.name.padEnd(widths[0]!),
    us(jsonEnc),
    us(serpentEnc),
    (serpentEnc / jsonEnc).toFixed(2),
    us(jsonDec),
    us(serpentDec),
    (serpentDec / jsonDec).toFixed(2),
    String(json.size),
    String(serpent.size),
    rate(serpent.size, serpentDec),
  ];
  console.log(row.map((c, i) => (i === 0 ? c : pad(c, widths[i]!))).join("  "));
}
