/**
 * `watch`: a long poll on a selection of names, so that clients (pool proxies) learn of changes as
 * they happen without polling. The client sends the version it has (none at first); the answer
 * comes at once when the selection's current version differs, else when it next changes, else
 * after `timeout` seconds with `names: None`:
 *
 *     watch(prefix=None, metadata_all=None, metadata_any=None, since=None, timeout=0)
 *       -> {"version": str, "names": {name: [uri text, [tags]]} | None}
 *
 * A version is a digest of the selected names, URIs and tags (order-independent): any replica
 * holding the same names gives the same version, so a client moving between replicas of one etcd
 * cluster is not sent everything again. The wait costs nothing but a timer: the storage's
 * {@link ChangeFeed} wakes it (a storage without one is looked at every second). Each wake-up
 * recomputes the selection through the name server's scheduler, like a listing.
 *
 * Bounds: `timeout` at most {@link NameServerLimits.maxWatchSeconds}; at most
 * `watchesPerConnection` waiting per connection and `watchesTotal` in all (NamingError beyond);
 * a watch ends early when its connection closes.
 */
import { createHash } from "node:crypto";
import { NamingError, PythonError } from "@pyrots/core";
import type { Caller } from "./caller.js";
import type { NameServerLimits } from "./limits.js";
import { type WithMetadata, listing } from "./listing.js";
import type { ChangeFeed } from "./storage/change-feed.js";
import type { Registration } from "./storage/types.js";

/** What `watch` answers. */
export interface WatchReply {
  /** The version of the selection now. */
  version: string;
  /** The selection (name → `[uri text, tags]`), or null when it is still at the version the client sent. */
  names: WithMetadata | null;
}

/** The selection's entries as of now (computed through the scheduler). */
export type SelectEntries = () => Promise<ReadonlyMap<string, Registration>>;

/** Seconds between looks at a storage that has no change feed. */
const POLL_SECONDS = 1;

/** The waiting watches of one name server. */
export class Watches {
  readonly #limits: NameServerLimits;
  readonly #feed: ChangeFeed | undefined;
  readonly #perConnection = new WeakMap<object, number>();
  readonly #closeHooks = new WeakMap<object, AbortController>();
  #total = 0;
  readonly #closing = new AbortController();

  constructor(limits: NameServerLimits, feed: ChangeFeed | undefined) {
    this.#limits = limits;
    this.#feed = feed;
  }

  /** Watches waiting now. */
  get waiting(): number {
    return this.#total;
  }

  /** Answers one `watch` call (arguments as the client sent them; checked here). */
  async watch(caller: Caller, since: unknown, timeout: unknown, select: SelectEntries): Promise<WatchReply> {
    if (this.#closing.signal.aborted) throw new NamingError("name server busy: it is shutting down; ask another name server");
    const known = sinceOf(since);
    const seconds = Math.min(timeoutOf(timeout), this.#limits.maxWatchSeconds);
    let feedVersion = this.#feed?.version ?? 0;
    let current = versioned(await select(), this.#limits.maxListingSize);
    if (current.version !== known || seconds === 0) return current.reply;
    const cancel = this.#enter(caller);
    try {
      const endsAt = Date.now() + seconds * 1000;
      for (;;) {
        const left = endsAt - Date.now();
        if (left <= 0 || cancel.aborted) return { version: known, names: null };
        const woke = this.#feed
          ? await this.#feed.wait(feedVersion, left, cancel)
          : await sleep(Math.min(left, POLL_SECONDS * 1000), cancel).then(() => !cancel.aborted);
        if (!woke) continue;
        feedVersion = this.#feed?.version ?? 0;
        current = versioned(await select(), this.#limits.maxListingSize);
        if (current.version !== known) return current.reply;
      }
    } finally {
      this.#leave(caller);
    }
  }

  /** Ends every waiting watch (each answers "unchanged"). */
  close(): void {
    this.#closing.abort();
  }

  /** Counts a waiting watch against the limits; its signal fires when its connection or the name server closes. */
  #enter(caller: Caller): AbortSignal {
    const mine = this.#perConnection.get(caller.key) ?? 0;
    if (mine >= this.#limits.watchesPerConnection) {
      throw new NamingError(`too many watches waiting on this connection (the limit is ${this.#limits.watchesPerConnection}); wait for their answers`);
    }
    if (this.#total >= this.#limits.watchesTotal) {
      throw new NamingError(`name server busy: ${this.#total} watches are waiting, its limit; try again later`);
    }
    this.#perConnection.set(caller.key, mine + 1);
    this.#total++;
    let hook = this.#closeHooks.get(caller.key);
    if (hook === undefined || hook.signal.aborted) {
      const created = new AbortController();
      hook = created;
      this.#closeHooks.set(caller.key, hook);
      caller.context?.trackResource({ close: () => created.abort() });
    }
    return AbortSignal.any([hook.signal, this.#closing.signal]);
  }

  #leave(caller: Caller): void {
    this.#total--;
    const left = (this.#perConnection.get(caller.key) ?? 1) - 1;
    if (left > 0) this.#perConnection.set(caller.key, left);
    else this.#perConnection.delete(caller.key);
  }
}

/** The reply for `entries`, and its version (a digest of the sorted entries). */
function versioned(entries: ReadonlyMap<string, Registration>, maxListingSize: number): { version: string; reply: WatchReply } {
  const names = listing(entries, true, maxListingSize) as WithMetadata;
  const hash = createHash("sha256");
  for (const name of [...entries.keys()].sort()) {
    const entry = entries.get(name)!;
    hash.update(`${name}\u0000${entry.uri}\u0000${entry.metadata.join("\u0001")}\u0002`);
  }
  const version = hash.digest("base64url").slice(0, 22);
  return { version, reply: { version, names } };
}

function sinceOf(since: unknown): string | undefined {
  if (since === null || since === undefined) return undefined;
  if (typeof since !== "string") throw new PythonError("builtins.TypeError", "since must be a str (a version from an earlier watch answer) or None");
  return since;
}

function timeoutOf(timeout: unknown): number {
  if (timeout === null || timeout === undefined) return 0;
  if (typeof timeout !== "number" || !Number.isFinite(timeout) || timeout < 0) {
    throw new PythonError("builtins.ValueError", "timeout must be a number of seconds, 0 or more");
  }
  return timeout;
}

function sleep(ms: number, cancel: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    timer.unref();
    cancel.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      cancel.removeEventListener("abort", done);
      resolve();
    }
  });
}
