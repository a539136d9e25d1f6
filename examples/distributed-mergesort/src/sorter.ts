/**
 * The remote object of the mergesort example, and the merge the client does with its results.
 *
 * The numbers are sorted by their Collatz stopping time (how many `3n + 1` / `n / 2` steps take
 * them to 1), ties by value. Computing that key costs about a hundred steps per number, where a
 * plain numeric sort costs a few comparisons: a lot of CPU per byte sent, which is what makes
 * spreading the work over processes (or machines) pay.
 */
import { behavior, expose, idempotent } from "@pyrots/core";

/** Names of the workers start with this; they also carry it as a metadata tag. */
export const WORKER_PREFIX = "example.mergesort.worker.";

/** The metadata tag every worker is registered with. */
export const WORKER_TAG = "example.mergesort";

/** A sorted run: the values in order, and each one's key. */
export interface SortedRun {
  values: number[];
  keys: number[];
}

/** What a client sees of {@link Sorter}. */
export interface SorterApi {
  /** The numbers sorted by (Collatz stopping time, value), with their keys. */
  sort(numbers: number[]): Promise<SortedRun>;
}

/** Sorts what it is sent. Sorting the same numbers twice gives the same answer: `@idempotent`. */
@behavior({ instanceMode: "single" })
@expose
export class Sorter implements SorterApi {
  @idempotent
  async sort(numbers: number[]): Promise<SortedRun> {
    return sortByStoppingTime(numbers);
  }
}

/** Steps the Collatz map takes to bring `n` (a positive integer) to 1. */
export function stoppingTime(n: number): number {
  let steps = 0;
  while (n !== 1) {
    n = n % 2 === 0 ? n / 2 : 3 * n + 1;
    steps++;
  }
  return steps;
}

/** `numbers` ordered by (stopping time, value), with the keys. */
export function sortByStoppingTime(numbers: readonly number[]): SortedRun {
  const keys = numbers.map(stoppingTime);
  const order = Array.from(numbers.keys()).sort((a, b) => keys[a]! - keys[b]! || numbers[a]! - numbers[b]!);
  return { values: order.map((i) => numbers[i]!), keys: order.map((i) => keys[i]!) };
}

/** Merges sorted runs into one (k-way: the smallest (key, value) head wins each step). */
export function mergeRuns(runs: readonly SortedRun[]): SortedRun {
  const total = runs.reduce((n, r) => n + r.values.length, 0);
  const values = new Array<number>(total);
  const keys = new Array<number>(total);
  const heads = runs.map(() => 0);
  for (let i = 0; i < total; i++) {
    let best = -1;
    for (let r = 0; r < runs.length; r++) {
      const h = heads[r]!;
      if (h >= runs[r]!.values.length) continue;
      if (best < 0) {
        best = r;
        continue;
      }
      const b = heads[best]!;
      const [k, kb] = [runs[r]!.keys[h]!, runs[best]!.keys[b]!];
      if (k < kb || (k === kb && runs[r]!.values[h]! < runs[best]!.values[b]!)) best = r;
    }
    const h = heads[best]!++;
    values[i] = runs[best]!.values[h]!;
    keys[i] = runs[best]!.keys[h]!;
  }
  return { values, keys };
}

/** Splits `numbers` into `count` contiguous parts of nearly equal size. */
export function split(numbers: readonly number[], count: number): number[][] {
  const size = Math.ceil(numbers.length / count);
  return Array.from({ length: count }, (_, i) => numbers.slice(i * size, (i + 1) * size));
}
