/**
 * The pyrots object that Python clients call. Plain TypeScript: nothing here is Python-specific;
 * values map to Python types on the wire (arrays to lists, objects to dicts, generators to
 * Pyro4 remote iterators, a thrown RangeError to ValueError).
 */
import { expose } from "@pyrots/core";

/** The object id the server registers the worker under. */
export const WORKER_ID = "example.ts.worker";

/** Serves text and number utilities to any Pyro4 client. */
@expose
export class TsWorker {
  /** A remote property: Python reads it as `worker.runtime`. */
  get runtime(): string {
    return `Node.js ${process.version}`;
  }

  greet(name: string): string {
    return `Hello ${name}, from TypeScript`;
  }

  stats(numbers: number[]): { count: number; mean: number; min: number; max: number } {
    const sum = numbers.reduce((a, b) => a + b, 0);
    return { count: numbers.length, mean: sum / numbers.length, min: Math.min(...numbers), max: Math.max(...numbers) };
  }

  wordCount(text: string): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const word of text.split(/\s+/).filter(Boolean)) counts[word] = (counts[word] ?? 0) + 1;
    return counts;
  }

  *countdown(from: number): Generator<number> {
    for (let i = from; i > 0; i--) yield i;
  }

  checkedSqrt(x: number): number {
    if (x < 0) throw new RangeError(`cannot take the square root of ${x}`);
    return Math.sqrt(x);
  }
}
