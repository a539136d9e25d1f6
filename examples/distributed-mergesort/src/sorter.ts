/**
 * The remote object of the mergesort example, and the merge the client does with the results.
 */
import { expose } from "@pyrots/core";

/** Names of the workers start with this; they also carry it as a metadata tag. */
export const WORKER_PREFIX = "example.mergesort.worker.";

/** The metadata tag every worker is registered with (`PYROMETA:example.mergesort` picks one). */
export const WORKER_TAG = "example.mergesort";

/** What a client sees of {@link Sorter}. */
export interface SorterApi {
  /** The numbers in ascending order. */
  sort(numbers: number[]): Promise<number[]>;
}

/** Sorts what it is sent. The arrays travel as msgpack arrays; nothing else is shared. */
@expose
export class Sorter implements SorterApi {
  async sort(numbers: number[]): Promise<number[]> {
    return numbers.sort(ascending);
  }
}

/** The numeric comparator both the workers and the local reference sort use. */
export function ascending(a: number, b: number): number {
  return a - b;
}

/** Merges ascending arrays into one ascending array (k-way: the smallest head wins each step). */
export function mergeSorted(parts: readonly (readonly number[])[]): number[] {
  const out = new Array<number>(parts.reduce((n, p) => n + p.length, 0));
  const heads = parts.map(() => 0);
  for (let i = 0; i < out.length; i++) {
    let best = -1;
    for (let p = 0; p < parts.length; p++) {
      if (heads[p]! < parts[p]!.length && (best < 0 || parts[p]![heads[p]!]! < parts[best]![heads[best]!]!)) best = p;
    }
    out[i] = parts[best]![heads[best]!++]!;
  }
  return out;
}

/** Splits `numbers` into `count` contiguous parts of nearly equal size. */
export function split(numbers: readonly number[], count: number): number[][] {
  const size = Math.ceil(numbers.length / count);
  return Array.from({ length: count }, (_, i) => numbers.slice(i * size, (i + 1) * size));
}
