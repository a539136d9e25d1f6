/**
 * What `Counter` gives the example in Python: word counts kept in first-seen order, merged, and
 * the most common ones (ties in first-seen order, as `most_common` has them).
 */

/** Word → count, in the order the words were first counted. */
export type Counts = Map<string, number>;

/** Adds `more` to `counts` (Python's `Counter.update`). */
export function addCounts(counts: Counts, more: Iterable<[string, number]>): Counts {
  for (const [word, count] of more) counts.set(word, (counts.get(word) ?? 0) + count);
  return counts;
}

/** The `n` largest counts, largest first; equal counts in first-seen order. */
export function mostCommon(counts: Counts, n: number): [string, number][] {
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, n);
}
