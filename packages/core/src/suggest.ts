/**
 * "Did you mean ...?": the known name nearest to a mistyped one, for configuration names and
 * command-line flags alike.
 */

/**
 * The entry of `known` nearest to `name` by edit distance (case-insensitive), or undefined when
 * none is reasonably near: at most `max(2, ceil(length / 3))` edits, where `length` is the
 * length of `name` without `ignorePrefix`.
 */
export function closestName(name: string, known: Iterable<string>, ignorePrefix = ""): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(name.toUpperCase(), candidate.toUpperCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  const bareLength = ignorePrefix !== "" && name.startsWith(ignorePrefix) ? name.length - ignorePrefix.length : name.length;
  return bestDistance <= Math.max(2, Math.ceil(bareLength / 3)) ? best : undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
