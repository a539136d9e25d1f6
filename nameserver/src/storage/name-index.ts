/**
 * The indexes a storage answers filtered listings from: tag → names for metadata queries, and a
 * sorted index of the names ({@link PrefixIndex}) for prefix queries. With them a listing costs
 * what its answer holds (plus the smallest tag's set, for "all of"), not a pass over every name.
 *
 * The index holds names only; the storage keeps the registrations and their order.
 */
import { PrefixIndex } from "./prefix-index.js";
import { type StorageFilter, uniqueTags } from "./types.js";

/** Names by tag and by prefix. */
export class NameIndex {
  readonly #byTag = new Map<string, Set<string>>();
  #byPrefix = new PrefixIndex();

  /** Adds `name` with its `tags` (the name must not be in the index). */
  add(name: string, tags: readonly string[]): void {
    this.#byPrefix.add(name);
    this.tag(name, tags);
  }

  /** Removes `name`, which was added with `tags`. */
  remove(name: string, tags: readonly string[]): void {
    this.#byPrefix.delete(name);
    this.untag(name, tags);
  }

  /** Indexes `name` (already added) under `tags` too. */
  tag(name: string, tags: readonly string[]): void {
    for (const tag of tags) {
      let names = this.#byTag.get(tag);
      if (names === undefined) this.#byTag.set(tag, (names = new Set()));
      names.add(name);
    }
  }

  /** Takes `name` out of the sets of `tags` (it stays findable by prefix). */
  untag(name: string, tags: readonly string[]): void {
    for (const tag of tags) {
      const names = this.#byTag.get(tag);
      names?.delete(name);
      if (names?.size === 0) this.#byTag.delete(tag);
    }
  }

  /** Forgets every name. */
  clear(): void {
    this.#byTag.clear();
    this.#byPrefix = new PrefixIndex();
  }

  /**
   * The names a filter selects, in no particular order; undefined when the filter selects every
   * name (no filter, or an empty prefix or tag list), which the storage answers by its own pass.
   * A filter holds one condition (the name server refuses more), tags taking precedence.
   */
  select(filter: StorageFilter): Iterable<string> | undefined {
    if (filter.metadataAny !== undefined) return this.#withAnyTag(filter.metadataAny);
    if (filter.metadataAll !== undefined && filter.metadataAll.length > 0) return this.#withEveryTag(filter.metadataAll);
    if (filter.prefix) return this.#byPrefix.withPrefix(filter.prefix);
    return undefined;
  }

  #withAnyTag(tags: readonly string[]): Set<string> {
    const names = new Set<string>();
    for (const tag of tags) for (const name of this.#byTag.get(tag) ?? []) names.add(name);
    return names;
  }

  #withEveryTag(tags: readonly string[]): Set<string> {
    const sets: Set<string>[] = [];
    for (const tag of uniqueTags(tags)) {
      const names = this.#byTag.get(tag);
      if (names === undefined) return new Set();
      sets.push(names);
    }
    sets.sort((a, b) => a.size - b.size);
    const [smallest, ...others] = sets;
    const names = new Set<string>();
    for (const name of smallest!) if (others.every((set) => set.has(name))) names.add(name);
    return names;
  }
}
