/**
 * The name server object, `Pyro.NameServer`: Pyro4's remote API with its argument names, result
 * shapes and errors, plus Pyro5's `yplookup`.
 *
 * | call                                                          | result                               |
 * | ------------------------------------------------------------- | ------------------------------------ |
 * | `ping()`                                                      | null                                 |
 * | `count()`                                                     | number of names (its own included)   |
 * | `register(name, uri, safe=false, metadata=null, lease=null)`   | null                                 |
 * | `lookup(name, return_metadata=false)`                         | URI, or `[URI, [tags]]`              |
 * | `list(prefix, regex, metadata_all, metadata_any, return_metadata)` | name → uri text, or name → `[uri text, [tags]]` |
 * | `set_metadata(name, metadata)`                                | null                                 |
 * | `remove(name, prefix, regex)`                                 | number removed                       |
 * | `yplookup(meta_all, meta_any, return_metadata=true)`          | as `list`                            |
 * | `lease_grant(ttl_seconds)`                                    | lease id (str)                       |
 * | `lease_keepalive(lease_id)`                                   | the lease's TTL in seconds           |
 * | `lease_revoke(lease_id)`                                      | whether the lease was live           |
 * | `health()`                                                    | `{state, storage, detail, age, stale_limit}` |
 * | `watch(prefix, metadata_all, metadata_any, since, timeout)`   | `{version, names}`: a long poll (`watch.ts`) |
 *
 * The lease calls, `health` and `watch` are pyrots' own (docs/naming-ha.md, docs/fleets.md): a name registered with
 * `lease=ID` disappears when the lease ends (not kept alive for its TTL, or revoked).
 *
 * No client can stall it for the others: calls whose cost grows with the registry (listings,
 * searches, mass removals) run one per event loop turn through a {@link TurnScheduler}, regexes
 * are matched in a worker thread under a time limit, metadata queries go to the storage's tag
 * index, and sizes are bounded by {@link NameServerLimits}.
 *
 * Only the methods above are public: `@expose` publishes every public member, so helpers are
 * `#private` (and cleanup is the symbol-keyed `Symbol.asyncDispose`).
 */
import { type NameServerApi, NamingError, PythonError, URI, expose } from "@pyrots/core";
import { NAMESERVER_NAME } from "@pyrots/core/internal";
import { checkLookupName, checkName, checkRegistrationSize, queryTags, registrationTags, uriText } from "./arguments.js";
import { type Caller, currentCaller } from "./caller.js";
import { type NameServerLimits, resolveLimits } from "./limits.js";
import { type Plain, type WithMetadata, listing } from "./listing.js";
import { BusyError, TurnScheduler } from "./scheduler.js";
import { InvalidRegexError, compilePythonMatch } from "./search/regex.js";
import { RegexSearcher, RegexTimeoutError } from "./search/regex-searcher.js";
import type { Awaitable, NameStorage, Registration, StorageFilter } from "./storage/types.js";
import { after } from "./awaitable.js";
import { leaseIdOf, leaseTtlOf, requiredLeaseIdOf } from "./lease-args.js";
import { MemoryStorage } from "./storage/memory.js";
import { type WatchReply, Watches } from "./watch.js";

/** Object id and registered name of the name server (core's constant, offered here too). */
export { NAMESERVER_NAME };

/** The metadata the name server registers itself with (Pyro4's). */
export const NAMESERVER_METADATA: readonly string[] = Object.freeze(["class:Pyro4.naming.NameServer"]);

type Tags = Iterable<string> | null | undefined;
type Entries = Map<string, Registration>;
/** What a listing selects: a storage filter, or a regex matched in the worker. */
type Selection = { filter: StorageFilter } | { regex: RegExp } | { nothing: true };

/** Options of {@link NameServer}. */
export interface NameServerObjectOptions {
  /** Bounds on what clients may register and ask (defaults: {@link DEFAULT_LIMITS}). */
  limits?: Partial<NameServerLimits>;
  /**
   * The serving daemon listens on a Unix socket, so its clients are on this machine. Over TCP a
   * peer without an IP address is not taken for a local one.
   */
  unixSocket?: boolean;
}

/** Parsed URIs the name server keeps for its lookups (see `NameServer.#parsed`). */
const PARSED_URIS = 1024;

/** The name server object; serve an instance with a daemon under {@link NAMESERVER_NAME}. */
@expose
export class NameServer implements NameServerApi {
  readonly #storage: NameStorage;
  readonly #limits: NameServerLimits;
  readonly #unixSocket: boolean;
  readonly #scheduler: TurnScheduler;
  readonly #regex: RegexSearcher;
  readonly #watches: Watches;
  /** Connections whose end already cancels their waiting work. */
  readonly #tracked = new WeakSet<object>();
  /** Parsed URIs by their text (see {@link #parsed}). */
  readonly #parsedUris = new Map<string, URI>();

  /** Uses `storage` (default: a fresh in-memory one). Throws RangeError for an invalid limit. */
  constructor(storage: NameStorage = new MemoryStorage(), options: NameServerObjectOptions = {}) {
    this.#storage = storage;
    this.#limits = resolveLimits(options.limits);
    this.#unixSocket = options.unixSocket ?? false;
    this.#scheduler = new TurnScheduler({ perOwner: this.#limits.searchesPerConnection, queued: this.#limits.searchesQueued });
    this.#regex = new RegexSearcher({ timeLimit: this.#limits.regexTimeLimit, maxQueued: this.#limits.searchesQueued });
    this.#watches = new Watches(this.#limits, storage.changes);
  }

  /** Answers nothing; a liveness check. */
  ping(): void {}

  /** Number of registrations, the name server's own included. */
  count(): number {
    return this.#storage.count();
  }

  /**
   * Registers `name` for `uri` (text or URI; validated by parsing). With `safe`, an existing name
   * is a NamingError `name already registered: x`; otherwise it is overwritten. The caller's
   * address is kept with the registration (autoclean's rule needs it). With `lease` (an id from
   * {@link lease_grant}), the name lives only as long as that lease.
   */
  register(name: string, uri: string | URI, safe: boolean | null = false, metadata: Tags = null, lease: string | null = null): Awaitable<void> {
    const { origin } = currentCaller(this.#unixSocket);
    const limits = this.#limits;
    const text = uriText(uri, limits);
    checkName(name, limits);
    const tags = registrationTags(metadata, limits);
    checkRegistrationSize(name, text, tags, limits);
    if (this.#storage.get(name) === undefined && this.#storage.count() >= limits.maxNames) {
      throw new NamingError(`name server full: it holds ${limits.maxNames} names, its limit (remove unused names, or raise the limit with --max-names)`);
    }
    const registration: Registration = origin === undefined ? { uri: text, metadata: tags } : { uri: text, metadata: tags, registrant: origin };
    return after(this.#storage.set(name, registration, Boolean(safe), leaseIdOf(lease)), (stored) => {
      if (!stored) throw new NamingError(`name already registered: ${name}`);
    });
  }

  /** The URI of `name` and its tags; NamingError `unknown name: x`. */
  lookup(name: string, return_metadata: true): [URI, string[]];
  /** The URI of `name`; NamingError `unknown name: x`. */
  lookup(name: string, return_metadata?: false | null): URI;
  lookup(name: string, return_metadata: boolean | null = false): URI | [URI, string[]] {
    checkLookupName(name);
    const entry = this.#storage.get(name);
    if (entry === undefined) throw new NamingError(`unknown name: ${name}`);
    const uri = this.#parsed(entry.uri);
    return return_metadata ? [uri, [...entry.metadata]] : uri;
  }

  /**
   * The URI of a stored URI text, parsed once: lookups are the name server's most frequent call,
   * and a handful of URIs answer most of them. URIs are never changed once made, so sharing one
   * between answers is safe; the cache is emptied when full instead of tracking use.
   */
  #parsed(text: string): URI {
    let uri = this.#parsedUris.get(text);
    if (uri === undefined) {
      uri = URI.parse(text);
      if (this.#parsedUris.size >= PARSED_URIS) this.#parsedUris.clear();
      this.#parsedUris.set(text, uri);
    }
    return uri;
  }

  /** Like the plain `list`, with each entry's tags: name → `[uri text, tags]`. */
  list(
    prefix: string | null | undefined,
    regex: string | null | undefined,
    metadata_all: Tags,
    metadata_any: Tags,
    return_metadata: true,
  ): Promise<WithMetadata>;
  /**
   * Registered names and their URI texts, optionally filtered by one of: name prefix, regex
   * (Python `re.match`: anchored at the start only), all of some tags, any of some tags.
   */
  list(prefix?: string | null, regex?: string | null, metadata_all?: Tags, metadata_any?: Tags, return_metadata?: false | null): Promise<Plain>;
  list(
    prefix: string | null = null,
    regex: string | null = null,
    metadata_all: Tags = null,
    metadata_any: Tags = null,
    return_metadata: boolean | null = false,
  ): Promise<Plain | WithMetadata> {
    const caller = currentCaller(this.#unixSocket);
    // Pyro5's list is `list(prefix, regex, return_metadata)`: a boolean third argument (never tags) is that.
    if (typeof metadata_all === "boolean" && metadata_any === null) [metadata_all, return_metadata] = [null, metadata_all];
    const given = [prefix, regex, metadata_all, metadata_any].filter((f) => f != null).length;
    if (given > 1) throw new PythonError("builtins.ValueError", "you can only filter on one thing at a time");
    const selection = this.#selection(prefix, regex, metadata_all, metadata_any);
    return this.#select(caller, selection, (entries) => listing(entries, Boolean(return_metadata), this.#limits.maxListingSize));
  }

  /** Replaces the tags of `name` (an empty list clears them); NamingError if unknown. */
  set_metadata(name: string, metadata: Tags): Awaitable<void> {
    checkName(name, this.#limits);
    const tags = registrationTags(metadata, this.#limits);
    const entry = this.#storage.get(name);
    if (entry === undefined) throw new NamingError(`unknown name: ${name}`);
    checkRegistrationSize(name, entry.uri, tags, this.#limits);
    return after(this.#storage.setMetadata(name, tags), (known) => {
      if (!known) throw new NamingError(`unknown name: ${name}`);
    });
  }

  /**
   * Removes one name, every name with a prefix, or every name matching a regex (tried in that
   * order, as Pyro4 does). Resolves to how many were removed; never removes the name server itself.
   */
  async remove(name: string | null = null, prefix: string | null = null, regex: string | null = null): Promise<number> {
    const caller = currentCaller(this.#unixSocket);
    if (name) {
      checkLookupName(name);
      if (name !== NAMESERVER_NAME && (await this.#storage.remove([name])) === 1) return 1;
    }
    if (!prefix && !regex) return 0;
    const selection = prefix ? this.#selection(prefix, null, null, null) : this.#selection(null, regex, null, null);
    return this.#select(caller, selection, (entries) => this.#storage.remove([...entries.keys()].filter((n) => n !== NAMESERVER_NAME)));
  }

  /** Pyro5's yellow-pages lookup with plain URI texts (`return_metadata` false). */
  yplookup(meta_all: Tags, meta_any: Tags, return_metadata: false): Promise<Plain>;
  /**
   * Pyro5's yellow-pages lookup, name → `[uri text, tags]`: entries having all of `meta_all`, or
   * any of `meta_any` (not both; neither gives an empty result).
   */
  yplookup(meta_all?: Tags, meta_any?: Tags, return_metadata?: true | null): Promise<WithMetadata>;
  yplookup(meta_all: Tags = null, meta_any: Tags = null, return_metadata: boolean | null = true): Promise<Plain | WithMetadata> {
    const caller = currentCaller(this.#unixSocket);
    const all = queryTags(meta_all, "meta_all", this.#limits);
    const any = queryTags(meta_any, "meta_any", this.#limits);
    if (all?.length && any?.length) throw new PythonError("builtins.ValueError", "you can't use meta_all or meta_any at the same time");
    let selection: Selection = { nothing: true };
    if (all?.length) selection = { filter: { metadataAll: all } };
    else if (any?.length) selection = { filter: { metadataAny: any } };
    return this.#select(caller, selection, (entries) => listing(entries, return_metadata ?? true, this.#limits.maxListingSize));
  }

  /** Stops the regex worker and refuses the listings still waiting. Idempotent. */
  /** Grants a lease of `ttl_seconds` (1 s to a week) and returns its id; keep it alive with {@link lease_keepalive}. */
  lease_grant(ttl_seconds: number): Awaitable<string> {
    return this.#storage.grantLease(leaseTtlOf(ttl_seconds));
  }

  /** Renews a lease for its full TTL and returns that TTL; NamingError `unknown lease: x` once it has ended. */
  lease_keepalive(lease_id: string): Awaitable<number> {
    return this.#storage.keepAliveLease(requiredLeaseIdOf(lease_id));
  }

  /** Ends a lease and removes its names at once; false when it had already ended. */
  lease_revoke(lease_id: string): Awaitable<boolean> {
    return this.#storage.revokeLease(requiredLeaseIdOf(lease_id));
  }

  /**
   * How this name server's storage is doing: `state` is `ok`, `degraded` (answering from a copy
   * that could not be confirmed current lately) or `stale` (refusing reads); `age` is how many
   * seconds old the copy may be, `stale_limit` the age past which reads are refused.
   */
  health(): { state: string; storage: string; detail: string; age: number; stale_limit: number } {
    const health = this.#storage.health();
    return { state: health.state, storage: health.storage, detail: health.detail, age: health.age, stale_limit: health.staleLimit };
  }

  /**
   * Waits (up to `timeout` seconds) until the names selected by one filter (a prefix, or tags as
   * for `list`) are no longer at version `since`, then answers `{version, names}`; `names` is
   * None when nothing changed in time. Pool proxies keep their list of workers current with it.
   */
  watch(
    prefix: string | null = null,
    metadata_all: Tags = null,
    metadata_any: Tags = null,
    since: string | null = null,
    timeout: number | null = 0,
  ): Promise<WatchReply> {
    const caller = currentCaller(this.#unixSocket);
    const given = [prefix, metadata_all, metadata_any].filter((f) => f != null).length;
    if (given > 1) throw new PythonError("builtins.ValueError", "you can only filter on one thing at a time");
    const selection = this.#selection(prefix, null, metadata_all, metadata_any);
    return this.#watches.watch(caller, since, timeout, () => this.#select(caller, selection, (entries) => entries));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#watches.close();
    this.#scheduler.close();
    await this.#regex.close();
  }

  /** Checks the filter arguments (synchronously, so bad ones cost nothing) and says what to select. */
  #selection(prefix: string | null, regex: string | null, metadataAll: Tags, metadataAny: Tags): Selection {
    // Empty filters mean "no filter", as Python's truthiness tests make them.
    if (prefix) {
      if (typeof prefix !== "string") throw new PythonError("builtins.TypeError", "prefix must be a str");
      return { filter: { prefix } };
    }
    if (regex) return { regex: compileRegex(regex) };
    const all = queryTags(metadataAll, "metadata_all", this.#limits);
    if (all?.length) return { filter: { metadataAll: all } };
    const any = queryTags(metadataAny, "metadata_any", this.#limits);
    if (any?.length) return { filter: { metadataAny: any } };
    return { filter: {} };
  }

  /** Selects entries in a scheduled turn (regexes: in the worker) and hands them to `then`. */
  #select<T>(caller: Caller, selection: Selection, then: (entries: Entries) => T): Promise<T> {
    this.#cancelOnClose(caller);
    const job =
      "regex" in selection
        ? () => this.#matchRegex(caller, selection.regex).then(then)
        : () => then("filter" in selection ? this.#storage.list(selection.filter) : new Map());
    return this.#scheduler.run(caller.key, job).catch((error: unknown) => {
      throw error instanceof BusyError ? new NamingError(`name server busy: ${error.message}`) : error;
    });
  }

  /** When the caller's connection ends, its waiting listings and searches are dropped: nobody reads their answers. */
  #cancelOnClose(caller: Caller): void {
    if (caller.context === undefined || this.#tracked.has(caller.key)) return;
    this.#tracked.add(caller.key);
    const owner = caller.key;
    caller.context.trackResource({
      close: () => {
        this.#scheduler.cancel(owner);
        this.#regex.cancel(owner);
      },
    });
  }

  async #matchRegex(caller: Caller, pattern: RegExp): Promise<Entries> {
    // The snapshot is taken when the worker is free, so waiting searches hold no copy of the registry.
    let entries: Entries = new Map();
    let names: string[] = [];
    const snapshot = () => {
      entries = this.#storage.list();
      names = [...entries.keys()];
      return names;
    };
    let matches: number[];
    try {
      matches = await this.#regex.search(caller.key, pattern, snapshot);
    } catch (error) {
      if (error instanceof RegexTimeoutError) throw new NamingError(`invalid regex: ${error.message} (simplify the pattern)`);
      if (error instanceof BusyError) throw error;
      throw new NamingError((error as Error).message);
    }
    const result: Entries = new Map();
    for (const i of matches) result.set(names[i]!, entries.get(names[i]!)!);
    return result;
  }
}

function compileRegex(regex: string): RegExp {
  try {
    return compilePythonMatch(regex);
  } catch (error) {
    if (error instanceof InvalidRegexError) throw new NamingError(error.message);
    throw error;
  }
}
