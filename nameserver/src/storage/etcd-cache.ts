/**
 * The local copy of the names under an etcd prefix, fed by one range read and then by the watch.
 *
 * Each name's value in etcd is JSON: `{"u": uri, "m": [tags], "o": order?}`. A name's place in
 * listings (registration order) is the revision at which it was last registered: `o` when present
 * (`set_metadata` keeps the old place), else the key's `mod_revision`. Values that do not decode
 * (written by something else) are skipped and counted, never trusted.
 */
import { NameIndex } from "./name-index.js";
import type { Registration, StorageFilter } from "./types.js";

/** A key-value pair as the etcd client delivers it (revisions and lease ids as decimal strings). */
export interface EtcdKv {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly mod_revision: string;
  readonly lease: string;
}

/** One cached name. */
export interface CachedName {
  readonly registration: Registration;
  /** The revision of its last registration: its place in listings. */
  readonly order: number;
  /** The revision of its last change (for compare-and-set). */
  readonly modRevision: number;
}

/** The encoded value of a registration: `u` URI, `m` tags, `r` registrant (autoclean's rule), `o` place in listings. */
export function encodeValue(registration: Pick<Registration, "uri" | "metadata" | "registrant">, order?: number): Buffer {
  const value: { u: string; m: readonly string[]; r?: string; o?: number } = { u: registration.uri, m: registration.metadata };
  if (registration.registrant !== undefined) value.r = registration.registrant;
  if (order !== undefined) value.o = order;
  return Buffer.from(JSON.stringify(value));
}

interface Waiter {
  readonly revision: number;
  readonly resolve: () => void;
}

/** Names under one prefix, in registration order, as of {@link revision}. */
export class NameCache {
  readonly #keyPrefix: string;
  #names = new Map<string, CachedName>();
  readonly #index = new NameIndex();
  #revision = 0;
  #undecodable = 0;
  #waiters: Waiter[] = [];

  /** `keyPrefix`: the key text before each name (`PREFIX/names/`). */
  constructor(keyPrefix: string) {
    this.#keyPrefix = keyPrefix;
  }

  /** The newest revision whose changes have all been applied. */
  get revision(): number {
    return this.#revision;
  }

  /** How many stored values could not be decoded (and are left out). */
  get undecodable(): number {
    return this.#undecodable;
  }

  /** Number of names. */
  get size(): number {
    return this.#names.size;
  }

  /** The entry of `name`. */
  get(name: string): CachedName | undefined {
    return this.#names.get(name);
  }

  /** Every entry in registration order. */
  entries(): IterableIterator<[string, CachedName]> {
    return this.#names.entries();
  }

  /** The names `filter` selects, in no particular order; undefined when it selects every name (see {@link NameIndex.select}). */
  select(filter: StorageFilter): Iterable<string> | undefined {
    return this.#index.select(filter);
  }

  /** Replaces everything with the result of a range read at `revision`. */
  reset(kvs: readonly EtcdKv[], revision: number): void {
    const loaded: [string, CachedName][] = [];
    this.#undecodable = 0;
    for (const kv of kvs) {
      const entry = this.#decode(kv);
      if (entry) loaded.push(entry);
    }
    loaded.sort((a, b) => a[1].order - b[1].order);
    this.#names = new Map(loaded);
    this.#index.clear();
    for (const [name, cached] of this.#names) this.#index.add(name, cached.registration.metadata);
    this.#advance(revision);
  }

  /** Applies one watch response's events (in revision order), then marks `revision` done. */
  apply(events: readonly { type: "Put" | "Delete"; kv: EtcdKv }[]): void {
    let newest = this.#revision;
    for (const { type, kv } of events) {
      const revision = Number(kv.mod_revision);
      if (revision <= this.#revision) continue; // already in the loaded copy
      newest = Math.max(newest, revision);
      const entry = type === "Delete" ? undefined : this.#decode(kv);
      if (entry === undefined) {
        const name = this.#nameOf(kv.key);
        if (name !== undefined) this.#delete(name);
        continue;
      }
      const [name, cached] = entry;
      const old = this.#names.get(name);
      if (old === undefined) {
        this.#index.add(name, cached.registration.metadata);
      } else {
        this.#index.untag(name, old.registration.metadata);
        this.#index.tag(name, cached.registration.metadata);
        // A new registration goes to the end; a metadata change keeps its place.
        if (old.order !== cached.order) this.#names.delete(name);
      }
      this.#names.set(name, cached);
    }
    this.#advance(newest);
  }

  /**
   * Resolves once the changes of `revision` are applied (true), or after `timeoutMs` (false).
   */
  waitFor(revision: number, timeoutMs: number): Promise<boolean> {
    if (revision <= this.#revision) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      const waiter: Waiter = { revision, resolve: () => (clearTimeout(timer), resolve(true)) };
      this.#waiters.push(waiter);
    });
  }

  #advance(revision: number): void {
    if (revision <= this.#revision) return;
    this.#revision = revision;
    const due = this.#waiters.filter((w) => w.revision <= revision);
    if (due.length === 0) return;
    this.#waiters = this.#waiters.filter((w) => w.revision > revision);
    for (const waiter of due) waiter.resolve();
  }

  #delete(name: string): void {
    const old = this.#names.get(name);
    if (old === undefined) return;
    this.#names.delete(name);
    this.#index.remove(name, old.registration.metadata);
  }

  #nameOf(key: Buffer): string | undefined {
    const text = key.toString("utf8");
    return text.startsWith(this.#keyPrefix) && text.length > this.#keyPrefix.length ? text.slice(this.#keyPrefix.length) : undefined;
  }

  #decode(kv: EtcdKv): [string, CachedName] | undefined {
    const name = this.#nameOf(kv.key);
    const registration = name === undefined ? undefined : decodeValue(kv.value, kv.lease);
    if (name === undefined || registration === undefined) {
      this.#undecodable++;
      return undefined;
    }
    const modRevision = Number(kv.mod_revision);
    return [name, { registration: registration.registration, order: registration.order ?? modRevision, modRevision }];
  }
}

function decodeValue(value: Buffer, lease: string): { registration: Registration; order?: number } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const { u, m, o, r } = parsed as { u?: unknown; m?: unknown; o?: unknown; r?: unknown };
  if (typeof u !== "string" || !Array.isArray(m) || !m.every((tag) => typeof tag === "string")) return undefined;
  if (o !== undefined && !Number.isSafeInteger(o)) return undefined;
  const metadata = Object.freeze([...new Set(m as string[])]);
  const fields: { uri: string; metadata: readonly string[]; lease?: string; registrant?: string } = { uri: u, metadata };
  if (lease && lease !== "0") fields.lease = lease;
  if (typeof r === "string") fields.registrant = r;
  const registration: Registration = Object.freeze(fields);
  return { registration, order: o as number | undefined };
}
