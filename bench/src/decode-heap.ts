/**
 * How much JS heap decoded payloads take per payload byte, beside the cost the decoders charge
 * against their budget (see packages/core/src/serializers/budget.ts): the measurements behind
 * the decode limits' `expansion`. Not part of `npm run bench`:
 *
 *     node --expose-gc bench/dist/decode-heap.js
 *
 * Each row is a list of 20,000 items of one shape. "heap/byte" is the heap the decoded value
 * keeps, measured after garbage collection; "cost/byte" the smallest `expansion` the decoder
 * accepts the payload with (its cost estimate per byte).
 */
import { type DecodeContext, Complex, jsonSerializer, msgpackSerializer, type Serializer } from "@pyrots/core/internal";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  process.stderr.write("run with node --expose-gc\n");
  process.exit(2);
}

const ITEMS = 20_000;
const UNLIMITED: DecodeContext = { limits: { maxBytes: 0, maxDepth: 128, expansion: 1e9, minBudget: 0, maxCost: 0 } };

/** Shapes of list items: what legitimate peers send, and the cheapest ways to make the heap grow. */
const SHAPES: Array<[string, (i: number) => unknown, boolean]> = [
  ["{} (empty map)", () => ({}), true],
  ["[] (empty array)", () => [], true],
  ['b"" (empty bin)', () => Buffer.alloc(0), false],
  ["[i] (1-tuple, small int)", (i) => [i % 100], true],
  ["[i, j] (pair of small ints)", (i) => [i % 100, 1], true],
  ['{"a": i}', (i) => ({ a: i % 100 }), true],
  ["nil", () => null, true],
  ["small int", (i) => i % 100, true],
  ['"x" (1 char)', () => "x", true],
  ['"abcde" (5 chars)', (i) => `ab${i % 100}`.padEnd(5, "z"), true],
  ["float64", (i) => i + 0.5, true],
  ["int beyond 2^53", (i) => 2n ** 60n + BigInt(i), true],
  ["complex (ext 0x30)", (i) => new Complex(i, 1), false],
  ["datetime (ext 0x32)", (i) => new Date(1_700_000_000_000 + i), false],
  ["row dict (5 fields)", (i) => ({ id: i, name: `item ${i}`, price: i * 1.25, tags: ["a", "b"], ok: i % 2 === 0 }), true],
  ["string of 100", (i) => `${i}`.padEnd(100, "x"), true],
];

function heapUsed(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

function accepts(serializer: Serializer, data: Buffer, expansion: number): boolean {
  const context: DecodeContext = { limits: { maxBytes: 0, maxDepth: 128, expansion, minBudget: 0, maxCost: 0 } };
  try {
    serializer.decode(data, context);
    return true;
  } catch {
    return false;
  }
}

/** The smallest expansion (to 0.1) the decoder accepts the payload with. */
function costPerByte(serializer: Serializer, data: Buffer): number {
  let low = 0;
  let high = 1024;
  if (!accepts(serializer, data, high)) return Infinity;
  while (high - low > 0.1) {
    const mid = (low + high) / 2;
    if (accepts(serializer, data, mid)) high = mid;
    else low = mid;
  }
  return high;
}

function row(serializer: Serializer, label: string, make: (i: number) => unknown): string[] {
  const data = serializer.encode(Array.from({ length: ITEMS }, (_, i) => make(i)));
  const before = heapUsed();
  const value = serializer.decode(data, UNLIMITED);
  const after = heapUsed();
  const heap = (after - before) / data.length;
  const cost = costPerByte(serializer, data);
  void (value as unknown[]).length;
  return [label, String(data.length), heap.toFixed(1), cost === Infinity ? "-" : cost.toFixed(1)];
}

function printTable(title: string, rows: string[][]): void {
  const header = ["items", "bytes", "heap/byte", "cost/byte"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  process.stdout.write(`\n${title}\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n`);
  for (const r of rows) process.stdout.write(line(r) + "\n");
}

printTable(
  `msgpack, lists of ${ITEMS} items`,
  SHAPES.map(([label, make]) => row(msgpackSerializer, label, make)),
);
printTable(
  `json, lists of ${ITEMS} items`,
  SHAPES.filter(([, , json]) => json).map(([label, make]) => row(jsonSerializer, label, make)),
);
