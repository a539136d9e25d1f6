/**
 * The default storage: a Map in memory, forgotten when the name server stops.
 *
 * Metadata queries are answered from a tag → names index, so their cost follows the size of the
 * answer (and of the smallest tag's set, for "all of"), not the number of names times tags; prefix
 * queries from a sorted index of the names ({@link PrefixIndex}), so theirs follows the answer too.
 * Leases are timers in this process ({@link LocalLeases}).
 */
import { ChangeFeed } from "./change-feed.js";
import { LocalLeases } from "./local-leases.js";
import { PrefixIndex } from "./prefix-index.js";
import { type NameStorage, type Registration, type StorageFilter, type StorageHealth, uniqueTags } from "./types.js";

interface Entry {
  readonly registration: Registration;
  /** Registration order, to answer index lookups in the order full listings have. */
  readonly seq: number;
}

/** Volatile in-memory storage. */
export class MemoryStorage implements NameStorage {
  /** @inheritdoc */
  readonly kind = "memory";
  /** @inheritdoc */
  readonly changes = new ChangeFeed();
  readonly #entries = new Map<string, Entry>();
  readonly #byTag = new Map<string, Set<string>>();
  readonly #byPrefix = new PrefixIndex();
  #seq = 0;
  readonly #leases = new LocalLeases((lease, names) => this.#dropLeased(lease, names));

  /** @inheritdoc */
  get(name: string): Registration | undefined {
    return this.#entries.get(name)?.registration;
  }

  /** @inheritdoc */
  set(name: string, registration: Registration, onlyIfNew = false, lease?: string): boolean {
    if (onlyIfNew && this.#entries.has(name)) return false;
    if (lease !== undefined) this.#leases.bind(lease, name);
    // Re-registering moves the name to the end, as deleting and inserting a row would.
    this.#delete(name);
    this.#insert(name, freeze(registration.uri, registration.metadata, registration.registrant, lease), this.#seq++);
    this.changes.notify();
    return true;
  }

  /** @inheritdoc */
  setMetadata(name: string, metadata: readonly string[]): boolean {
    const old = this.#entries.get(name);
    if (old === undefined) return false;
    this.#unindex(name, old.registration.metadata);
    this.#insert(name, freeze(old.registration.uri, metadata, old.registration.registrant, old.registration.lease), old.seq);
    this.changes.notify();
    return true;
  }

  /** @inheritdoc */
  remove(names: Iterable<string>): number {
    let removed = 0;
    for (const name of names) if (this.#delete(name)) removed++;
    return removed;
  }

  /** @inheritdoc */
  removeIfUri(name: string, uri: string): boolean {
    return this.#entries.get(name)?.registration.uri === uri && this.#delete(name);
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
    if (filter.metadataAny !== undefined) return this.#ordered(this.#withAnyTag(filter.metadataAny));
    if (filter.metadataAll !== undefined && filter.metadataAll.length > 0) return this.#ordered(this.#withEveryTag(filter.metadataAll));
    if (filter.prefix) return this.#ordered(this.#byPrefix.withPrefix(filter.prefix));
    const result = new Map<string, Registration>();
    for (const [name, entry] of this.#entries) {
      if (filter.prefix !== undefined && !name.startsWith(filter.prefix)) continue;
      result.set(name, entry.registration);
    }
    return result;
  }

  /** @inheritdoc */
  close(): void {
    this.#leases.close();
  }

  #dropLeased(lease: string, names: string[]): void {
    // Only names still bound to this lease: one re-registered since belongs to someone else now.
    for (const name of names) if (this.#entries.get(name)?.registration.lease === lease) this.#delete(name);
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

  #ordered(names: Iterable<string>): Map<string, Registration> {
    const entries = [...names].map((name) => [name, this.#entries.get(name)!] as const);
    entries.sort((a, b) => a[1].seq - b[1].seq);
    return new Map(entries.map(([name, entry]) => [name, entry.registration]));
  }

  #insert(name: string, registration: Registration, seq: number): void {
    if (!this.#entries.has(name)) this.#byPrefix.add(name);
    this.#entries.set(name, { registration, seq });
    for (const tag of registration.metadata) {
      let names = this.#byTag.get(tag);
      if (names === undefined) this.#byTag.set(tag, (names = new Set()));
      names.add(name);
    }
  }

  #delete(name: string): boolean {
    const entry = this.#entries.get(name);
    if (entry === undefined) return false;
    this.#entries.delete(name);
    this.#byPrefix.delete(name);
    this.#unindex(name, entry.registration.metadata);
    this.changes.notify();
    return true;
  }

  #unindex(name: string, tags: readonly string[]): void {
    for (const tag of tags) {
      const names = this.#byTag.get(tag);
      names?.delete(name);
      if (names?.size === 0) this.#byTag.delete(tag);
    }
  }
}

function freeze(uri: string, metadata: readonly string[], registrant: string | undefined, lease: string | undefined): Registration {
  const registration: { uri: string; metadata: readonly string[]; registrant?: string; lease?: string } = {
    uri,
    metadata: Object.freeze(uniqueTags(metadata)),
  };
  if (registrant !== undefined) registration.registrant = registrant;
  if (lease !== undefined) registration.lease = lease;
  return Object.freeze(registration);
}
