/**
 * What the name server keeps: a flat map from names to URI text plus a set of metadata tags per
 * name, and leases that registrations may be bound to.
 *
 * Reads are synchronous: a lookup is a local map or index read in every storage (the etcd storage
 * answers from a watch-fed cache). Writes are synchronous in the local storages (memory, SQLite),
 * where each call is one atomic step for the single-threaded name server; a replicated storage
 * (etcd) returns a promise instead and makes each write one atomic transaction on the cluster.
 * Either way a check-and-set (`onlyIfNew`, `removeIfUri`) can never interleave with another write.
 */

/** A value or a promise of it. */
export type Awaitable<T> = T | Promise<T>;

/** One registration. */
export interface Registration {
  /** The URI in canonical text form (`PYRO:obj@host:port`). */
  readonly uri: string;
  /** The metadata tags, unique, in the order they were given. */
  readonly metadata: readonly string[];
  /**
   * Where the registration came from: the registering client's IP address (canonical text), or
   * `local` for this machine (in-process, Unix socket clients). Absent when unknown (for example
   * written by a Pyro4 name server). Autoclean pings a URI only on its registrant's host.
   * `setMetadata` keeps it.
   */
  readonly registrant?: string;
  /** The lease the name is bound to (see {@link NameStorage.grantLease}); absent for a plain registration. */
  readonly lease?: string;
}

/** How a storage is doing (see {@link NameStorage.health}). */
export interface StorageHealth {
  /**
   * `ok`: reads are current and writes go through. `degraded`: the backing store has not been
   * confirmed reachable lately; reads still come from the local copy (at most `staleLimit` seconds
   * old), writes may fail. `stale`: the local copy is older than the limit; reads and writes are
   * refused until the store is back.
   */
  readonly state: "ok" | "degraded" | "stale";
  /** The storage kind: `memory`, `sql` or `etcd`. */
  readonly storage: string;
  /** Human-readable detail (what is wrong and what to do), empty when ok. */
  readonly detail: string;
  /** Seconds since the local copy was last confirmed current (0 for local storages). */
  readonly age: number;
  /** Seconds of age past which reads are refused (0 = never). */
  readonly staleLimit: number;
}

/**
 * A pre-filter a storage may apply itself (the SQL storage uses indexes). Exactly one field is set,
 * or none for "everything".
 */
export interface StorageFilter {
  /** Names starting with this text (case-sensitive). */
  readonly prefix?: string;
  /** Entries having every one of these tags. */
  readonly metadataAll?: readonly string[];
  /** Entries having at least one of these tags. */
  readonly metadataAny?: readonly string[];
}

/**
 * A name server storage backend.
 *
 * Leases: {@link grantLease} makes a lease of `ttl` seconds; a registration stored with that lease
 * id lives only as long as the lease. The lease ends when nobody calls {@link keepAliveLease} for
 * `ttl` seconds, or at once by {@link revokeLease}; either way its names are removed. Re-registering
 * a name with or without a lease rebinds it (a name is bound to at most one lease). Lease ids are
 * opaque strings.
 */
export interface NameStorage {
  /** The storage kind: `memory`, `sql` or `etcd`. */
  readonly kind: string;
  /** The registration of `name`, or undefined. */
  get(name: string): Registration | undefined;
  /**
   * Stores `name` (the registration's `lease` field is ignored; pass `lease`). With `onlyIfNew`,
   * an existing name is left alone and false is returned; the check and the write are one atomic
   * step. With `lease`, the name is bound to that lease: an unknown or expired lease is a
   * NamingError and nothing is stored.
   */
  set(name: string, registration: Registration, onlyIfNew?: boolean, lease?: string): Awaitable<boolean>;
  /** Replaces the tags of an existing name (keeping its lease); false when the name is unknown. */
  setMetadata(name: string, metadata: readonly string[]): Awaitable<boolean>;
  /** Removes the given names (unknown ones are skipped); returns how many were removed. */
  remove(names: Iterable<string>): Awaitable<number>;
  /**
   * Removes `name` only while it is still registered with `uri` (so a fresh registration made in
   * the meantime survives); returns whether it was removed.
   */
  removeIfUri(name: string, uri: string): Awaitable<boolean>;
  /** Grants a lease of `ttlSeconds` (a whole number, 1 to {@link MAX_LEASE_TTL}); returns its id. */
  grantLease(ttlSeconds: number): Awaitable<string>;
  /** Renews a lease for its full TTL; returns that TTL in seconds. NamingError for an unknown or expired lease. */
  keepAliveLease(lease: string): Awaitable<number>;
  /** Ends a lease and removes its names at once; false when the lease was unknown or already gone. */
  revokeLease(lease: string): Awaitable<boolean>;
  /** How the storage is doing. */
  health(): StorageHealth;
  /**
   * Connects and loads, for storages that need to (called once by the name server before it
   * serves; the local storages are ready when constructed and omit it).
   */
  start?(): Promise<void>;
  /** Number of registrations. */
  count(): number;
  /** Registrations matching the filter (all when none), in registration order. */
  list(filter?: StorageFilter): Map<string, Registration>;
  /** Releases the backing resources; idempotent. */
  close(): Awaitable<void>;
}

/** Longest lease TTL a storage grants, in seconds (one week). */
export const MAX_LEASE_TTL = 7 * 24 * 3600;

/** Largest number of live leases a local storage keeps; one more grant is refused. */
export const MAX_LOCAL_LEASES = 100_000;

/** Unique tags in first-seen order. */
export function uniqueTags(tags: Iterable<string>): string[] {
  return [...new Set(tags)];
}
