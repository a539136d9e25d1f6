/**
 * A replica's copy of the names under an etcd prefix, kept current: one paged range read at
 * revision R, then a watch from R + 1 ({@link PrefixWatch}), a full reload when a compaction
 * outran the watch, and the freshness probes ({@link Freshness}) that bound how old the copy may be
 * when it is read.
 */
import { NamingError } from "@pyrots/core";
import type { Etcd3 } from "etcd3";
import { type CachedName, type EtcdKv, NameCache } from "./etcd-cache.js";
import { Freshness } from "./etcd-health.js";
import type { EtcdRequests } from "./etcd-rpc.js";
import { PrefixWatch } from "./etcd-watch.js";
import type { StorageFilter, StorageHealth } from "./types.js";

/** Keys per range page of a load. */
const PAGE = 1000;

/** How a {@link ReplicaCopy} is set up. */
export interface ReplicaCopyOptions {
  /** The key text before each name (`PREFIX/names/`). */
  readonly namesPrefix: string;
  /** Ms one request, or one wait for the copy to catch up, may take. */
  readonly timeoutMs: number;
  /** Ms between freshness probes. */
  readonly heartbeatMs: number;
  /** Seconds of age past which reads are refused. */
  readonly staleLimit: number;
  /** Called after every change applied to the copy (watch events, reloads). */
  readonly onChange?: () => void;
}

/** The watch-fed copy of one prefix. */
export class ReplicaCopy {
  readonly #requests: EtcdRequests;
  readonly #key: Buffer;
  readonly #end: Buffer;
  readonly #cache: NameCache;
  readonly #watch: PrefixWatch;
  readonly #freshness: Freshness;
  readonly #timeoutMs: number;
  readonly #heartbeatMs: number;
  readonly #onChange: () => void;
  #probeTimer: NodeJS.Timeout | undefined;
  #reloading: Promise<void> | undefined;
  #closed = false;

  constructor(client: Etcd3, requests: EtcdRequests, options: ReplicaCopyOptions) {
    this.#requests = requests;
    this.#key = Buffer.from(options.namesPrefix);
    // The end of the prefix range: the prefix with its last byte ("/") plus one.
    this.#end = Buffer.from(options.namesPrefix);
    this.#end[this.#end.length - 1]! += 1;
    this.#timeoutMs = options.timeoutMs;
    this.#heartbeatMs = options.heartbeatMs;
    this.#onChange = options.onChange ?? (() => undefined);
    this.#cache = new NameCache(options.namesPrefix);
    // Three missed probes in a row make a replica degraded.
    this.#freshness = new Freshness((3 * options.heartbeatMs) / 1000, options.staleLimit);
    this.#watch = new PrefixWatch(client, this.#key, this.#end, {
      events: (events) => {
        this.#cache.apply(events);
        this.#freshness.reached(this.#cache.revision);
        this.#onChange();
      },
      progress: (revision) => this.#freshness.reached(revision),
      compacted: () => void this.#reload(),
    });
  }

  /** The key of `name`. */
  keyOf(name: string): Buffer {
    return Buffer.concat([this.#key, Buffer.from(name)]);
  }

  /** Loads everything, starts watching and probing. */
  async start(): Promise<void> {
    await this.#load();
    this.#scheduleProbe();
  }

  /** The cached entry of `name` (no freshness check: see {@link readable}). */
  entry(name: string): CachedName | undefined {
    return this.#cache.get(name);
  }

  /** The cached names `filter` selects, in no particular order; undefined when it selects every name. */
  select(filter: StorageFilter): Iterable<string> | undefined {
    return this.#cache.select(filter);
  }

  /** Every cached entry in registration order. */
  entries(): IterableIterator<[string, CachedName]> {
    return this.#cache.entries();
  }

  /** Number of cached names. */
  get size(): number {
    return this.#cache.size;
  }

  /** How fresh the copy is. */
  health(): StorageHealth {
    return this.#closed ? { state: "stale", storage: "etcd", detail: "closed", age: -1, staleLimit: 0 } : this.#freshness.health();
  }

  /** Throws the NamingError for reads once the copy is older than the stale limit. */
  readable(): void {
    const health = this.health();
    if (health.state === "stale") throw new NamingError(`this name server cannot vouch for its names: ${health.detail}`);
  }

  /** Waits until the copy has applied `revision` (read-your-writes); NamingError after the timeout. */
  async settle(revision: number, what: string): Promise<void> {
    if (await this.#cache.waitFor(revision, this.#timeoutMs)) return;
    throw new NamingError(
      `etcd stored the ${what} (revision ${revision}), but this name server's copy has not caught up within ${this.#timeoutMs / 1000} s ` +
        `(health: ${this.health().state}); ask another name server`,
    );
  }

  /** Waits (at most the timeout) until the copy has applied `revision`. */
  async catchUp(revision: number): Promise<void> {
    await this.#cache.waitFor(revision, this.#timeoutMs);
  }

  /** Stops watching and probing. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#probeTimer);
    this.#watch.close();
  }

  /** Loads every name at one revision (in pages) and watches from the next revision. */
  async #load(): Promise<void> {
    const startedAt = Date.now();
    const kvs: EtcdKv[] = [];
    let revision = 0;
    let from = this.#key;
    for (;;) {
      const page = await this.#requests.range(from, this.#end, { revision, limit: PAGE });
      if (revision === 0) revision = Number(page.header.revision);
      kvs.push(...page.kvs);
      if (!page.more || page.kvs.length === 0) break;
      from = Buffer.concat([page.kvs[page.kvs.length - 1]!.key, Buffer.from([0])]);
    }
    this.#cache.reset(kvs, revision);
    this.#onChange();
    this.#watch.restart(revision + 1);
    this.#freshness.confirm(startedAt);
  }

  /** After a compaction outran the watch: reload everything (retrying until it works or closes). */
  #reload(): Promise<void> {
    this.#reloading ??= (async () => {
      while (!this.#closed) {
        try {
          await this.#load();
          return;
        } catch (error) {
          this.#freshness.failed(`reloading after a compaction: ${(error as Error).message}`);
          await new Promise((resolve) => setTimeout(resolve, this.#heartbeatMs));
        }
      }
    })().finally(() => (this.#reloading = undefined));
    return this.#reloading;
  }

  #scheduleProbe(): void {
    if (this.#closed) return;
    this.#probeTimer = setTimeout(() => void this.#probe().finally(() => this.#scheduleProbe()), this.#heartbeatMs);
    // Probing must not keep a stopping process alive.
    this.#probeTimer.unref();
  }

  async #probe(): Promise<void> {
    const startedAt = Date.now();
    try {
      const response = await this.#requests.range(this.#key, this.#end, { countOnly: true, retry: false });
      this.#freshness.probed(startedAt, Number(response.header.revision), this.#cache.revision);
    } catch (error) {
      this.#freshness.failed((error as Error).message);
    }
    // A watch stream on a member that stopped answering never errors by itself: move it.
    if (this.#watch.progressPendingFor() > this.#timeoutMs || this.#watch.connectingFor() > this.#timeoutMs) this.#watch.reconnect();
    else this.#watch.requestProgress();
  }
}
