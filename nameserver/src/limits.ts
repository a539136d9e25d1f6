/**
 * What one client may ask of the name server: sizes of what it registers, of what it searches for,
 * and how much search work it may have queued. Every limit has a default that a Pyro deployment
 * never meets in normal use; an operator can raise any of them (`startNameServer({ limits })`).
 *
 * | limit                    | default | beyond it                                                  |
 * | ------------------------ | ------- | ---------------------------------------------------------- |
 * | `maxNames`               | 50,000  | registering a new name: NamingError "name server is full"  |
 * | `maxNameLength`          | 512     | ValueError from `register`, `set_metadata`                 |
 * | `maxUriLength`           | 1,024   | ValueError from `register`                                 |
 * | `maxTags`                | 64      | ValueError from `register`, `set_metadata`                 |
 * | `maxTagLength`           | 256     | ValueError (registrations and queries)                     |
 * | `maxRegistrationSize`    | 4,096   | ValueError: name + URI + tags, in characters               |
 * | `maxQueryTags`           | 64      | ValueError from `list(metadata_…)`, `yplookup`             |
 * | `maxListingSize`         | 16 Mi   | NamingError: a listing over this many characters           |
 * | `searchesPerConnection`  | 8       | NamingError: listings/searches in flight on one connection |
 * | `searchesQueued`         | 256     | NamingError: the name server is busy                       |
 * | `regexTimeLimit`         | 1 s     | NamingError: one regex search ran too long                 |
 * | `watchesPerConnection`   | 4       | NamingError: `watch` calls waiting on one connection       |
 * | `watchesTotal`           | 10,000  | NamingError: `watch` calls waiting over all connections    |
 * | `maxWatchSeconds`        | 60 s    | a longer `watch` timeout is cut to this                    |
 */

/** Bounds on what clients may register and ask for; see the table above. */
export interface NameServerLimits {
  /** Registrations held (the name server's own included); a new name beyond this is refused. */
  readonly maxNames: number;
  /** Longest name, in characters. */
  readonly maxNameLength: number;
  /** Longest URI text, in characters. */
  readonly maxUriLength: number;
  /** Most metadata tags on one registration. */
  readonly maxTags: number;
  /** Longest metadata tag, in characters (also for tags in queries). */
  readonly maxTagLength: number;
  /** Largest registration: name, URI and tags together, in characters. */
  readonly maxRegistrationSize: number;
  /** Most tags in one `metadata_all`/`metadata_any`/`yplookup` query. */
  readonly maxQueryTags: number;
  /** Largest answer of `list`/`yplookup`, in characters of names, URIs and tags. */
  readonly maxListingSize: number;
  /** Listings, searches and mass removals one connection may have in flight at once. */
  readonly searchesPerConnection: number;
  /** Listings, searches and mass removals waiting to run, over all connections. */
  readonly searchesQueued: number;
  /** Seconds one regex search may run before it is stopped. */
  readonly regexTimeLimit: number;
  /** `watch` calls one connection may have waiting at once. */
  readonly watchesPerConnection: number;
  /** `watch` calls waiting at once, over all connections. */
  readonly watchesTotal: number;
  /** Longest wait of one `watch` call, in seconds. */
  readonly maxWatchSeconds: number;
}

/** The defaults of {@link NameServerLimits}. */
export const DEFAULT_LIMITS: NameServerLimits = Object.freeze({
  maxNames: 50_000,
  maxNameLength: 512,
  maxUriLength: 1024,
  maxTags: 64,
  maxTagLength: 256,
  maxRegistrationSize: 4096,
  maxQueryTags: 64,
  maxListingSize: 16 * 2 ** 20,
  searchesPerConnection: 8,
  searchesQueued: 256,
  regexTimeLimit: 1,
  watchesPerConnection: 4,
  watchesTotal: 10_000,
  maxWatchSeconds: 60,
});

/** The defaults overridden by `given`; throws RangeError for a limit that is not a positive number. */
export function resolveLimits(given: Partial<NameServerLimits> = {}): NameServerLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(DEFAULT_LIMITS, key)) throw new RangeError(`unknown name server limit "${key}" (known: ${Object.keys(DEFAULT_LIMITS).join(", ")})`);
    if (typeof value !== "number" || !(value > 0)) throw new RangeError(`name server limit ${key} must be a positive number, got ${String(value)}`);
    (limits as Record<string, number>)[key] = value;
  }
  return Object.freeze(limits);
}
