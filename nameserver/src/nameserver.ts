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
 *
 * The lease calls and `health` are pyrots' own (docs/naming-ha.md): a name registered with
 * `lease=ID` disappears when the lease ends (not kept alive for its TTL, or revoked).
 *
 * Only the methods above are public: `@expose` publishes every public member, so helpers are
 * `#private`.
 */
import { type NameServerApi, NamingError, PythonError, URI, expose } from "@pyrots/core";
import { Script, createContext } from "node:vm";
import { after } from "./awaitable.js";
import { leaseIdOf, leaseTtlOf, requiredLeaseIdOf } from "./lease-args.js";
import { InvalidRegexError, compilePythonMatch } from "./regex.js";
import type { Awaitable, NameStorage, Registration } from "./storage/types.js";
import { MemoryStorage } from "./storage/memory.js";

/** Object id and registered name of the name server. */
export const NAMESERVER_NAME = "Pyro.NameServer";

/** The metadata the name server registers itself with (Pyro4's). */
export const NAMESERVER_METADATA: readonly string[] = Object.freeze(["class:Pyro4.naming.NameServer"]);

/** Name → URI text; built without a prototype. */
type Plain = Record<string, string>;
/** Name → `[uri text, tags]`; built without a prototype. */
type WithMetadata = Record<string, [string, string[]]>;
type Tags = Iterable<string> | null | undefined;

/** The name server object; serve an instance with a daemon under {@link NAMESERVER_NAME}. */
@expose
export class NameServer implements NameServerApi {
  readonly #storage: NameStorage;

  /** Uses `storage` (default: a fresh in-memory one). */
  constructor(storage: NameStorage = new MemoryStorage()) {
    this.#storage = storage;
  }

  /** Answers nothing; a liveness check. */
  ping(): void {}

  /** Number of registrations, the name server's own included. */
  count(): number {
    return this.#storage.count();
  }

  /**
   * Registers `name` for `uri` (text or URI; validated by parsing). With `safe`, an existing name
   * is a NamingError `name already registered: x`; otherwise it is overwritten. With `lease` (an
   * id from {@link lease_grant}), the name lives only as long as that lease.
   */
  register(name: string, uri: string | URI, safe: boolean | null = false, metadata: Tags = null, lease: string | null = null): Awaitable<void> {
    const text = uriText(uri);
    checkName(name);
    const tags = tagsOf(metadata, "metadata") ?? [];
    const leaseId = leaseIdOf(lease);
    return after(this.#storage.set(name, { uri: text, metadata: tags }, Boolean(safe), leaseId), (stored) => {
      if (!stored) throw new NamingError(`name already registered: ${name}`);
    });
  }

  /** The URI of `name` and its tags; NamingError `unknown name: x`. */
  lookup(name: string, return_metadata: true): [URI, string[]];
  /** The URI of `name`; NamingError `unknown name: x`. */
  lookup(name: string, return_metadata?: false | null): URI;
  lookup(name: string, return_metadata: boolean | null = false): URI | [URI, string[]] {
    if (typeof name !== "string") throw new PythonError("builtins.TypeError", "name must be a str");
    const entry = this.#storage.get(name);
    if (entry === undefined) throw new NamingError(`unknown name: ${name}`);
    const uri = URI.parse(entry.uri);
    return return_metadata ? [uri, [...entry.metadata]] : uri;
  }

  /** Like the plain `list`, with each entry's tags: name → `[uri text, tags]`. */
  list(prefix: string | null | undefined, regex: string | null | undefined, metadata_all: Tags, metadata_any: Tags, return_metadata: true): WithMetadata;
  /**
   * Registered names and their URI texts, optionally filtered by one of: name prefix, regex
   * (Python `re.match`: anchored at the start only), all of some tags, any of some tags.
   */
  list(prefix?: string | null, regex?: string | null, metadata_all?: Tags, metadata_any?: Tags, return_metadata?: false | null): Plain;
  list(
    prefix: string | null = null,
    regex: string | null = null,
    metadata_all: Tags = null,
    metadata_any: Tags = null,
    return_metadata: boolean | null = false,
  ): Plain | WithMetadata {
    const given = [prefix, regex, metadata_all, metadata_any].filter((f) => f != null).length;
    if (given > 1) throw new PythonError("builtins.ValueError", "you can only filter on one thing at a time");
    return listing(this.#select(prefix, regex, metadata_all, metadata_any), Boolean(return_metadata));
  }

  /** Replaces the tags of `name` (an empty list clears them); NamingError if unknown. */
  set_metadata(name: string, metadata: Tags): Awaitable<void> {
    checkName(name);
    const tags = tagsOf(metadata, "metadata") ?? [];
    return after(this.#storage.setMetadata(name, tags), (known) => {
      if (!known) throw new NamingError(`unknown name: ${name}`);
    });
  }

  /**
   * Removes one name, every name with a prefix, or every name matching a regex (tried in that
   * order, as Pyro4 does). Returns how many were removed; never removes the name server itself.
   */
  remove(name: string | null = null, prefix: string | null = null, regex: string | null = null): Awaitable<number> {
    const byPattern = (): Awaitable<number> => {
      if (prefix) return this.#removeAll(this.#select(prefix, null, null, null).keys());
      if (regex) return this.#removeAll(this.#select(null, regex, null, null).keys());
      return 0;
    };
    if (name && name !== NAMESERVER_NAME) return after(this.#storage.remove([name]), (removed) => (removed === 1 ? 1 : byPattern()));
    return byPattern();
  }

  /** Pyro5's yellow-pages lookup with plain URI texts (`return_metadata` false). */
  yplookup(meta_all: Tags, meta_any: Tags, return_metadata: false): Plain;
  /**
   * Pyro5's yellow-pages lookup, name → `[uri text, tags]`: entries having all of `meta_all`, or
   * any of `meta_any` (not both; neither gives an empty result).
   */
  yplookup(meta_all?: Tags, meta_any?: Tags, return_metadata?: true | null): WithMetadata;
  yplookup(meta_all: Tags = null, meta_any: Tags = null, return_metadata: boolean | null = true): Plain | WithMetadata {
    const all = tagsOf(meta_all, "meta_all");
    const any = tagsOf(meta_any, "meta_any");
    if (all?.length && any?.length) throw new PythonError("builtins.ValueError", "you can't use meta_all or meta_any at the same time");
    let entries = new Map<string, Registration>();
    if (all?.length) entries = this.#storage.list({ metadataAll: all });
    else if (any?.length) entries = this.#storage.list({ metadataAny: any });
    return listing(entries, return_metadata ?? true);
  }

  #select(prefix: string | null, regex: string | null, metadataAll: Tags, metadataAny: Tags): Map<string, Registration> {
    // Empty filters mean "no filter", as Python's truthiness tests make them.
    if (prefix) {
      if (typeof prefix !== "string") throw new PythonError("builtins.TypeError", "prefix must be a str");
      return this.#storage.list({ prefix });
    }
    if (regex) return filterByRegex(this.#storage.list(), regex);
    const all = tagsOf(metadataAll, "metadata_all");
    if (all?.length) return this.#storage.list({ metadataAll: all });
    const any = tagsOf(metadataAny, "metadata_any");
    if (any?.length) return this.#storage.list({ metadataAny: any });
    return this.#storage.list();
  }

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

  #removeAll(names: Iterable<string>): Awaitable<number> {
    return this.#storage.remove([...names].filter((n) => n !== NAMESERVER_NAME));
  }
}

function filterByRegex(entries: Map<string, Registration>, regex: string): Map<string, Registration> {
  let compiled: RegExp;
  try {
    compiled = compilePythonMatch(regex);
  } catch (error) {
    if (error instanceof InvalidRegexError) throw new NamingError(error.message);
    throw error;
  }
  const matching = new Set(matchWithTimeLimit(compiled, [...entries.keys()]));
  const result = new Map<string, Registration>();
  for (const [name, entry] of entries) if (matching.has(name)) result.set(name, entry);
  return result;
}

/** How long one regex search may run; a pattern that backtracks badly must not stall the server. */
const REGEX_TIME_LIMIT_MS = 1000;
const regexContext = createContext({});
const regexSearch = new Script("names.filter((name) => pattern.test(name))");

/**
 * The names `pattern` matches, found inside a VM context with a time limit: the event loop runs
 * every client's calls, so a catastrophic pattern from one client would otherwise stall them all.
 */
function matchWithTimeLimit(pattern: RegExp, names: string[]): string[] {
  regexContext.names = names;
  regexContext.pattern = pattern;
  try {
    return Array.from(regexSearch.runInContext(regexContext, { timeout: REGEX_TIME_LIMIT_MS }) as string[]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
      throw new NamingError(`invalid regex: matching took longer than ${REGEX_TIME_LIMIT_MS / 1000} s (simplify the pattern)`);
    }
    throw error;
  } finally {
    regexContext.names = undefined;
    regexContext.pattern = undefined;
  }
}

function listing(entries: Map<string, Registration>, withMetadata: boolean): Plain | WithMetadata {
  // No prototype: a registered name such as "__proto__" must stay an ordinary key.
  const result = Object.create(null) as Record<string, unknown>;
  for (const [name, entry] of entries) result[name] = withMetadata ? [entry.uri, [...entry.metadata]] : entry.uri;
  return result as Plain | WithMetadata;
}

function uriText(uri: unknown): string {
  if (uri instanceof URI) return uri.toString();
  if (typeof uri !== "string") throw new PythonError("builtins.TypeError", "only URIs or strings can be registered");
  return URI.parse(uri).toString();
}

/** Names must be usable in `PYRONAME:name` URIs: non-empty, no whitespace. */
function checkName(name: unknown): asserts name is string {
  if (typeof name !== "string") throw new PythonError("builtins.TypeError", "name must be a str");
  if (name === "") throw new NamingError("invalid name: the name is empty");
  if (/\s/.test(name)) throw new NamingError(`invalid name ${JSON.stringify(name)}: names cannot contain whitespace`);
}

/** Tags from an array or set of strings; null/undefined stay undefined. A str is refused as Pyro4 does. */
function tagsOf(value: unknown, what: string): string[] | undefined {
  if (value == null) return undefined;
  if (typeof value === "string") throw new PythonError("builtins.TypeError", `${what} should not be a str, but another iterable (set, list, etc)`);
  if (!Array.isArray(value) && !(value instanceof Set)) throw new PythonError("builtins.TypeError", `${what} must be a list or set of str`);
  const tags = [...(value as Iterable<unknown>)];
  for (const tag of tags)
    if (typeof tag !== "string") throw new PythonError("builtins.TypeError", `${what} must contain only str, got ${tag === null ? "None" : typeof tag}`);
  return [...new Set(tags as string[])];
}
