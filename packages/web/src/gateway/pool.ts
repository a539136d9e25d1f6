/**
 * Pooled proxies: one proxy per name, kept open and shared by every request for that name (calls
 * to a pyrots daemon run concurrently on its one connection; a Python daemon gets up to the
 * proxy's `poolSize` connections). When the name server maps the name to another URI the old
 * proxy is retired, and closed once the requests using it are done. A proxy that cannot connect
 * makes the gateway look the name up afresh at once: the object may have moved.
 */
import { CommunicationError, Proxy, type URI, bind } from "@pyrots/core";
import { coreOf } from "@pyrots/core/internal";
import type { NameDirectory } from "./directory.js";
import type { GatewaySettings } from "./options.js";

/** What is known about a remote object's members. */
export interface Members {
  readonly methods: ReadonlySet<string>;
  readonly oneway: ReadonlySet<string>;
  readonly attrs: ReadonlySet<string>;
}

/** A connected proxy lent to one request; give it back with {@link Lease.release}. */
export interface Lease {
  readonly name: string;
  readonly uri: URI;
  readonly proxy: object;
  /** The object's members, from the connection handshake. */
  readonly members: Members;
  /** Returns the proxy to the pool. Idempotent. */
  release(): void;
}

/** Seconds an unused proxy stays open. */
const IDLE_SECONDS = 120;
const NO_MEMBERS: Members = Object.freeze({ methods: new Set<string>(), oneway: new Set<string>(), attrs: new Set<string>() });

class Entry {
  refs = 0;
  lastUsed = Date.now();
  retired = false;
  constructor(
    readonly name: string,
    readonly uri: URI,
    readonly proxy: object & AsyncDisposable,
  ) {}

  close(): void {
    void Promise.resolve(this.proxy[Symbol.asyncDispose]()).catch(() => undefined);
  }
}

/** Proxies by name, for the gateway's requests. */
export class ProxyPool implements AsyncDisposable {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly directory: NameDirectory,
    private readonly settings: GatewaySettings,
  ) {
    this.sweeper = setInterval(() => this.sweep(), (IDLE_SECONDS / 4) * 1000).unref();
  }

  /** Number of proxies held now. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * A connected proxy for `name`. Throws the directory's `not-found`, or the proxy's
   * CommunicationError when the object's daemon cannot be reached even after a fresh lookup.
   */
  async acquire(name: string): Promise<Lease> {
    if (this.closed) throw new CommunicationError("the gateway is shutting down");
    const uri = await this.directory.lookup(name);
    try {
      return await this.connect(name, uri);
    } catch (error) {
      if (!(error instanceof CommunicationError)) throw error;
      this.directory.invalidate(name);
      const fresh = await this.directory.lookup(name, true);
      if (fresh.equals(uri)) throw error;
      return this.connect(name, fresh);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map((entry) => Promise.resolve(entry.proxy[Symbol.asyncDispose]()).catch(() => undefined)));
  }

  private async connect(name: string, uri: URI): Promise<Lease> {
    const entry = this.entryFor(name, uri);
    entry.refs++;
    try {
      if (!coreOf(entry.proxy).connected) await bind(entry.proxy);
    } catch (error) {
      this.giveBack(entry);
      throw error;
    }
    let released = false;
    return {
      name,
      uri,
      proxy: entry.proxy,
      members: coreOf(entry.proxy).metadata ?? NO_MEMBERS,
      release: () => {
        if (released) return;
        released = true;
        this.giveBack(entry);
      },
    };
  }

  private entryFor(name: string, uri: URI): Entry {
    const current = this.entries.get(name);
    if (current && current.uri.equals(uri)) {
      current.lastUsed = Date.now();
      return current;
    }
    if (current) this.retire(current);
    if (this.entries.size >= this.settings.maxPooled) this.evictIdle();
    const entry = new Entry(name, uri, new Proxy(uri, this.settings.proxyOptions) as object & AsyncDisposable);
    this.entries.set(name, entry);
    return entry;
  }

  private giveBack(entry: Entry): void {
    entry.refs--;
    entry.lastUsed = Date.now();
    if (entry.retired && entry.refs === 0) entry.close();
  }

  private retire(entry: Entry): void {
    this.entries.delete(entry.name);
    entry.retired = true;
    if (entry.refs === 0) entry.close();
  }

  /** Closes the least recently used proxy nobody is using, if any. */
  private evictIdle(): void {
    let oldest: Entry | undefined;
    for (const entry of this.entries.values()) if (entry.refs === 0 && (oldest === undefined || entry.lastUsed < oldest.lastUsed)) oldest = entry;
    if (oldest) this.retire(oldest);
  }

  private sweep(): void {
    const before = Date.now() - IDLE_SECONDS * 1000;
    for (const entry of [...this.entries.values()]) if (entry.refs === 0 && entry.lastUsed < before) this.retire(entry);
  }
}
