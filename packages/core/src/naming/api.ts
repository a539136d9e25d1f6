/**
 * The name server's remote API as TypeScript sees it, with Pyro4's argument names and return
 * shapes (Pyro5's `yplookup` added). The name server object implements it; clients get it through
 * a proxy from `locateNS()`.
 *
 * | method                                                             | returns                                    |
 * | ------------------------------------------------------------------ | ------------------------------------------ |
 * | `ping()`                                                           | nothing                                    |
 * | `count()`                                                          | number of names, the name server's own too |
 * | `register(name, uri, safe?, metadata?)`                            | nothing                                    |
 * | `lookup(name)` / `lookup(name, true)`                              | `URI` / `[URI, tags]`                      |
 * | `list(prefix?, regex?, metadata_all?, metadata_any?, return_metadata?)` | name → URI text / name → `[URI text, tags]` |
 * | `set_metadata(name, metadata)`                                     | nothing                                    |
 * | `remove(name?, prefix?, regex?)`                                   | number removed                             |
 * | `yplookup(meta_all?, meta_any?, return_metadata = true)`          | name → `[URI text, tags]` / name → URI text |
 * | `lease_grant(ttl_seconds)` / `lease_keepalive(id)` / `lease_revoke(id)` | lease id / TTL seconds / whether it was live (pyrots only) |
 * | `health()`                                                         | `{state, storage, detail, age, stale_limit}` (pyrots only) |
 */
import type { Remote } from "../proxy/remote.js";
import type { URI } from "../uri.js";

/** A value or a promise of it: implementations may answer synchronously or not. */
export type Awaitable<T> = T | Promise<T>;

/** Metadata tags: an array or a set (a set on the Python side; both travel as a list). */
export type MetadataTags = readonly string[] | ReadonlySet<string>;

/** `list(...)`/`yplookup(...)` result entries with their metadata: `[uri text, tags]`. */
export type NameEntriesWithMetadata = Record<string, [string, string[]]>;

/**
 * The remote methods of a Pyro4 name server (object `Pyro.NameServer`).
 *
 * Overloads whose metadata flag changes the result come first; the last overload of each method is
 * its default call, which is the one `Remote<NameServerApi>` keeps (see {@link NameServerProxy}
 * for a type that keeps all of them).
 */
export interface NameServerApi {
  /** Answers nothing; a quick liveness check. */
  ping(): Awaitable<void>;
  /** How many names are registered, the name server's own entry included. */
  count(): Awaitable<number>;
  /**
   * Registers `name` for `uri`. With `safe`, an existing name is a NamingError
   * (`name already registered: x`); otherwise it is overwritten.
   */
  register(name: string, uri: string | URI, safe?: boolean, metadata?: MetadataTags | null, lease?: string | null): Awaitable<void>;
  /** The URI and the metadata tags registered for `name`; NamingError `unknown name: x` if none. */
  lookup(name: string, return_metadata: true): Awaitable<[URI, string[]]>;
  /** The URI registered for `name`; NamingError `unknown name: x` if none. */
  lookup(name: string, return_metadata?: false): Awaitable<URI>;
  /** Registered names with their URI text and tags; one filter at most. */
  list(
    prefix: string | null | undefined,
    regex: string | null | undefined,
    metadata_all: MetadataTags | null | undefined,
    metadata_any: MetadataTags | null | undefined,
    return_metadata: true,
  ): Awaitable<NameEntriesWithMetadata>;
  /**
   * Registered names and their URI text, filtered by name prefix, regex (anchored at the start, as
   * Python's `re.match`), or tags (`metadata_all`: every tag, `metadata_any`: at least one).
   */
  list(
    prefix?: string | null,
    regex?: string | null,
    metadata_all?: MetadataTags | null,
    metadata_any?: MetadataTags | null,
    return_metadata?: false,
  ): Awaitable<Record<string, string>>;
  /** Replaces the metadata tags of `name`; NamingError if unknown. */
  set_metadata(name: string, metadata: MetadataTags): Awaitable<void>;
  /** Removes by exact name, name prefix or regex; returns how many were removed (never the name server's own entry). */
  remove(name?: string | null, prefix?: string | null, regex?: string | null): Awaitable<number>;
  /** Pyro5's yellow-pages search by tags, returning plain URI texts. */
  yplookup(meta_all: MetadataTags | null | undefined, meta_any: MetadataTags | null | undefined, return_metadata: false): Awaitable<Record<string, string>>;
  /** Pyro5's yellow-pages search by tags: name → `[uri text, tags]` (metadata is returned by default). */
  yplookup(meta_all?: MetadataTags | null, meta_any?: MetadataTags | null, return_metadata?: true): Awaitable<NameEntriesWithMetadata>;
  /**
   * pyrots only: grants a lease of `ttl_seconds` and returns its id. A name registered with
   * `lease=id` disappears when the lease ends: not kept alive for its TTL, or revoked.
   */
  lease_grant(ttl_seconds: number): Awaitable<string>;
  /** pyrots only: renews a lease for its full TTL and returns that TTL; NamingError `unknown lease: x` once it has ended. */
  lease_keepalive(lease_id: string): Awaitable<number>;
  /** pyrots only: ends a lease and removes its names at once; false when it had already ended. */
  lease_revoke(lease_id: string): Awaitable<boolean>;
  /** pyrots only: how the name server's storage is doing (`state` is `ok`, `degraded` or `stale`). */
  health(): Awaitable<NameServerHealth>;
}

/** What `health()` answers. */
export interface NameServerHealth {
  /** `ok`; `degraded`: answering from a copy not confirmed current lately; `stale`: refusing reads. */
  state: string;
  /** `memory`, `sql` or `etcd`. */
  storage: string;
  /** What is wrong and what to do; empty when ok. */
  detail: string;
  /** Seconds since the name server's copy was last confirmed current. */
  age: number;
  /** Age in seconds past which reads are refused (0: never). */
  stale_limit: number;
}

/**
 * The flag-dependent calls that `Remote<T>` drops (a mapped type keeps only a method's last
 * overload), written out for the proxy side.
 */
export interface NameServerMetadataCalls {
  /** `lookup(name, true)`: the URI and its tags. */
  lookup(name: string, return_metadata: true): Promise<[URI, string[]]>;
  /** `list(..., return_metadata = true)`: name → `[uri text, tags]`. */
  list(
    prefix: string | null | undefined,
    regex: string | null | undefined,
    metadata_all: MetadataTags | null | undefined,
    metadata_any: MetadataTags | null | undefined,
    return_metadata: true,
  ): Promise<NameEntriesWithMetadata>;
  /** `yplookup(..., return_metadata = false)`: name → uri text. */
  yplookup(meta_all: MetadataTags | null | undefined, meta_any: MetadataTags | null | undefined, return_metadata: false): Promise<Record<string, string>>;
}

/** A proxy for a name server: every method of {@link NameServerApi}, each overload included. */
export type NameServerProxy = Remote<NameServerApi> & NameServerMetadataCalls;
