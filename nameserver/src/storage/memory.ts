/**
 * The default storage: a Map in memory, forgotten when the name server stops. Leases are timers in
 * this process ({@link LocalLeases}).
 */
import { LocalLeases } from "./local-leases.js";
import { type NameStorage, type Registration, type StorageFilter, type StorageHealth, uniqueTags } from "./types.js";

/** Volatile in-memory storage. */
export class MemoryStorage implements NameStorage {
  /** @inheritdoc */
  readonly kind = "memory";
  readonly #entries = new Map<string, Registration>();
  readonly #leases = new LocalLeases((lease, names) => this.#dropLeased(lease, names));

  /** @inheritdoc */
  get(name: string): Registration | undefined {
    return this.#entries.get(name);
  }

  /** @inheritdoc */
  set(name: string, registration: Registration, onlyIfNew = false, lease?: string): boolean {
    if (onlyIfNew && this.#entries.has(name)) return false;
    if (lease !== undefined) this.#leases.bind(lease, name);
    // Re-registering moves the name to the end, as deleting and inserting a row would.
    this.#entries.delete(name);
    this.#entries.set(name, freeze(registration.uri, registration.metadata, lease));
    return true;
  }

  /** @inheritdoc */
  setMetadata(name: string, metadata: readonly string[]): boolean {
    const old = this.#entries.get(name);
    if (old === undefined) return false;
    this.#entries.set(name, freeze(old.uri, metadata, old.lease));
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
  grantLease(ttlSeconds: number): string {
    return this.#leases.grant(ttlSeconds);
  }

  /** @inheritdoc */
  keepAliveLease(lease: string): number {
    return this.#leases.keepAlive(lease);
  }

  /** @inheritdoc */
  revokeLease(lease: string): boolean {
    const names = this.#leases.revoke(lease);
    if (names === undefined) return false;
    this.#dropLeased(lease, names);
    return true;
  }

  /** @inheritdoc */
  health(): StorageHealth {
    return { state: "ok", storage: this.kind, detail: "", age: 0, staleLimit: 0 };
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
  close(): void {
    this.#leases.close();
  }

  #dropLeased(lease: string, names: string[]): void {
    // Only names still bound to this lease: one re-registered since belongs to someone else now.
    for (const name of names) if (this.#entries.get(name)?.lease === lease) this.#entries.delete(name);
  }
}

function freeze(uri: string, metadata: readonly string[], lease: string | undefined): Registration {
  const tags = Object.freeze(uniqueTags(metadata));
  return Object.freeze(lease === undefined ? { uri, metadata: tags } : { uri, metadata: tags, lease });
}
