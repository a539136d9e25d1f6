/**
 * What the name server keeps: a flat map from names to URI text plus a set of metadata tags per
 * name. Storages are synchronous on purpose: each call is one atomic step for the single-threaded
 * name server, so concurrent clients can never interleave inside a check-and-set.
 */

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

/** A name server storage backend. */
export interface NameStorage {
  /** The registration of `name`, or undefined. */
  get(name: string): Registration | undefined;
  /**
   * Stores `name`. With `onlyIfNew`, an existing name is left alone and false is returned; the
   * check and the write are one atomic step.
   */
  set(name: string, registration: Registration, onlyIfNew?: boolean): boolean;
  /** Replaces the tags of an existing name; false when the name is unknown. */
  setMetadata(name: string, metadata: readonly string[]): boolean;
  /** Removes the given names (unknown ones are skipped); returns how many were removed. */
  remove(names: Iterable<string>): number;
  /**
   * Removes `name` only while it is still registered with `uri` (so a fresh registration made in
   * the meantime survives); returns whether it was removed.
   */
  removeIfUri(name: string, uri: string): boolean;
  /** Number of registrations. */
  count(): number;
  /** Registrations matching the filter (all when none), in registration order. */
  list(filter?: StorageFilter): Map<string, Registration>;
  /** Releases the backing resources; idempotent. */
  close(): void;
}

/** Unique tags in first-seen order. */
export function uniqueTags(tags: Iterable<string>): string[] {
  return [...new Set(tags)];
}
