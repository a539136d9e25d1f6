/**
 * The default storage: a Map in memory, forgotten when the name server stops.
 */
import { type NameStorage, type Registration, type StorageFilter, uniqueTags } from "./types.js";

/** Volatile in-memory storage. */
export class MemoryStorage implements NameStorage {
  readonly #entries = new Map<string, Registration>();

  /** @inheritdoc */
  get(name: string): Registration | undefined {
    return this.#entries.get(name);
  }

  /** @inheritdoc */
  set(name: string, registration: Registration, onlyIfNew = false): boolean {
    if (onlyIfNew && this.#entries.has(name)) return false;
    // Re-registering moves the name to the end, as deleting and inserting a row would.
    this.#entries.delete(name);
    this.#entries.set(name, freeze(registration.uri, registration.metadata));
    return true;
  }

  /** @inheritdoc */
  setMetadata(name: string, metadata: readonly string[]): boolean {
    const old = this.#entries.get(name);
    if (old === undefined) return false;
    this.#entries.set(name, freeze(old.uri, metadata));
    return true;
  }

  /** @inheritdoc */
  remove(names: Iterable<string>): number {
    let removed = 0;
    for (const name of names) if (this.#entries.delete(name)) removed++;
    return removed;
  }

  /** @inheritdoc */
  removeIfUri(name: string, uri: string): boolean {
    return this.#entries.get(name)?.uri === uri && this.#entries.delete(name);
  }

  /** @inheritdoc */
  count(): number {
    return this.#entries.size;
  }

  /** @inheritdoc */
  list(filter: StorageFilter = {}): Map<string, Registration> {
    const result = new Map<string, Registration>();
    const all = filter.metadataAll && new Set(filter.metadataAll);
    const any = filter.metadataAny && new Set(filter.metadataAny);
    for (const [name, entry] of this.#entries) {
      if (filter.prefix !== undefined && !name.startsWith(filter.prefix)) continue;
      if (all && ![...all].every((tag) => entry.metadata.includes(tag))) continue;
      if (any && !entry.metadata.some((tag) => any.has(tag))) continue;
      result.set(name, entry);
    }
    return result;
  }

  /** @inheritdoc */
  close(): void {}
}

function freeze(uri: string, metadata: readonly string[]): Registration {
  return Object.freeze({ uri, metadata: Object.freeze(uniqueTags(metadata)) });
}
