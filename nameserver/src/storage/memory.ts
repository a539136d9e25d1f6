/**
 * The default storage: a Map in memory, forgotten when the name server stops.
 *
 * Metadata and prefix queries are answered from a {@link NameIndex}, so their cost follows the size
 * of the answer, not the number of names.
 * Leases are timers in this process ({@link LocalLeases}).
 */
import { ChangeFeed } from "./change-feed.js";
import { LocalLeases } from "./local-leases.js";
import { NameIndex } from "./name-index.js";
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
  readonly #index = new NameIndex();
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
    this.#index.untag(name, old.registration.metadata);
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
    const selected = this.#index.select(filter);
    if (selected !== undefined) return this.#ordered(selected);
    const result = new Map<string, Registration>();
    for (const [name, entry] of this.#entries) result.set(name, entry.registration);
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

  #ordered(names: Iterable<string>): Map<string, Registration> {
    const entries = [...names].map((name) => [name, this.#entries.get(name)!] as const);
    entries.sort((a, b) => a[1].seq - b[1].seq);
    return new Map(entries.map(([name, entry]) => [name, entry.registration]));
  }

  #insert(name: string, registration: Registration, seq: number): void {
    if (this.#entries.has(name)) this.#index.tag(name, registration.metadata);
    else this.#index.add(name, registration.metadata);
    this.#entries.set(name, { registration, seq });
  }

  #delete(name: string): boolean {
    const entry = this.#entries.get(name);
    if (entry === undefined) return false;
    this.#entries.delete(name);
    this.#index.remove(name, entry.registration.metadata);
    this.changes.notify();
    return true;
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
