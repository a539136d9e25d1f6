/**
 * Names kept in sorted order, so that a prefix search costs what its answer holds (a binary search,
 * then the matching run) instead of a pass over every name.
 *
 * Adding to a sorted array moves half of it on average; instead, names added or removed since the
 * last merge wait in two small sets, searched as they are, and are merged into the sorted array
 * once they reach {@link MERGE_AT} (a pass over all names, paid once per that many changes).
 */

/** Pending changes that trigger a merge into the sorted array. */
const MERGE_AT = 1024;

/** A set of names searchable by prefix. */
export class PrefixIndex {
  /** Names in UTF-16 code unit order (the order `startsWith` runs follow), as of the last merge. */
  #sorted: string[] = [];
  /** Added since the last merge (not in {@link #sorted}). */
  readonly #added = new Set<string>();
  /** In {@link #sorted} but removed since the last merge. */
  readonly #removed = new Set<string>();

  /** Adds `name` (it must not be in the index). */
  add(name: string): void {
    this.#added.add(name);
    this.#mergeIfDue();
  }

  /** Removes `name` (it must be in the index). */
  delete(name: string): void {
    if (!this.#added.delete(name)) this.#removed.add(name);
    this.#mergeIfDue();
  }

  /** The names starting with `prefix`, in no particular order. */
  withPrefix(prefix: string): string[] {
    const sorted = this.#sorted;
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (sorted[mid]! < prefix) low = mid + 1;
      else high = mid;
    }
    const names: string[] = [];
    for (let i = low; i < sorted.length && sorted[i]!.startsWith(prefix); i++) if (!this.#removed.has(sorted[i]!)) names.push(sorted[i]!);
    for (const name of this.#added) if (name.startsWith(prefix)) names.push(name);
    return names;
  }

  #mergeIfDue(): void {
    if (this.#added.size + this.#removed.size < MERGE_AT) return;
    const kept = this.#removed.size === 0 ? this.#sorted : this.#sorted.filter((name) => !this.#removed.has(name));
    const added = [...this.#added].sort();
    const merged: string[] = new Array<string>(kept.length + added.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < kept.length && j < added.length) merged[k++] = kept[i]! < added[j]! ? kept[i++]! : added[j++]!;
    while (i < kept.length) merged[k++] = kept[i++]!;
    while (j < added.length) merged[k++] = added[j++]!;
    this.#sorted = merged;
    this.#added.clear();
    this.#removed.clear();
  }
}
