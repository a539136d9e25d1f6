/**
 * A lasting client of "the name service" rather than of one name server: it talks to one replica
 * at a time and, when that one fails in a way another may not (down, not answering, cut off from
 * its storage: `isFailoverError`), moves on to the next. Replicas that failed lately are tried
 * last. For work that calls the name server again and again: a pool's membership watch, a daemon's
 * lease keepalives.
 */
import { performance } from "node:perf_hooks";
import { debugLog } from "../debug.js";
import { release, uriOf } from "../proxy/proxy.js";
import type { ProxySettings } from "../proxy/settings.js";
import type { NameServerProxy } from "./api.js";
import { type LocateRequest, type NameServerUse, isFailoverError, searchNameServers } from "./locate.js";

const log = debugLog("pyrots:naming");

/** Seconds a search for another replica needs at least to be worth starting. */
const MIN_SEARCH_SECONDS = 0.05;

/** Seconds a replica that failed is tried after the others. */
const FAILED_RECENTLY_SECONDS = 30;

/** One name service, reached through whichever of its replicas answers. */
export class NameServiceClient implements AsyncDisposable {
  private current: NameServerProxy | undefined;
  /** Replica locations that failed, with when (performance.now() ms). */
  private readonly failures = new Map<string, number>();
  private closed = false;

  /**
   * @param settings how to connect (TLS, HMAC, serializer, timeout; `config.nsHost` lists the replicas).
   * @param request where to look: an explicit host, or the configured replicas and discovery.
   */
  constructor(
    private readonly settings: ProxySettings,
    private readonly request: LocateRequest = {},
  ) {}

  /** The location (`host:port`) of the replica in use, if one is. */
  get location(): string | undefined {
    return this.current === undefined ? undefined : (uriOf(this.current).location ?? undefined);
  }

  /**
   * Runs `use` with the replica in use (connecting to one first if needed); when it fails in a way
   * another replica may not, moves on and runs it there. `deadline` seconds bound everything
   * (0 or absent: each connect attempt is bounded as `locateNS` bounds it, calls by their own timeouts).
   */
  async use<T>(use: NameServerUse<T>, deadline?: number): Promise<T> {
    if (this.closed) throw new Error("this name service client is closed");
    const started = performance.now();
    const current = this.current;
    if (current !== undefined) {
      try {
        return await use(current, deadline ?? 0);
      } catch (error) {
        if (!isFailoverError(error)) throw error;
        this.forget(current, error);
        // No time left to look for another replica: this failure is the answer.
        if (deadline !== undefined && deadline > 0 && deadline - (performance.now() - started) / 1000 < MIN_SEARCH_SECONDS) throw error;
      }
    }
    const left = deadline !== undefined && deadline > 0 ? deadline - (performance.now() - started) / 1000 : undefined;
    const { ns, value } = await searchNameServers(this.settings, this.request, use, { deadline: left, tryLast: this.recentFailures() });
    if (this.closed) {
      release(ns);
    } else {
      if (this.current !== undefined && this.current !== ns) release(this.current);
      this.current = ns;
    }
    return value;
  }

  /** Closes the connection to the replica in use. Idempotent. */
  close(): void {
    this.closed = true;
    if (this.current !== undefined) release(this.current);
    this.current = undefined;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  private forget(ns: NameServerProxy, error: unknown): void {
    const location = uriOf(ns).location;
    if (log.enabled) log(`name server ${location} failed (${error instanceof Error ? error.message : String(error)}); moving to another replica`);
    if (location) this.failures.set(location, performance.now());
    release(ns);
    if (this.current === ns) this.current = undefined;
  }

  private recentFailures(): Set<string> {
    const now = performance.now();
    for (const [location, at] of this.failures) if (now - at > FAILED_RECENTLY_SECONDS * 1000) this.failures.delete(location);
    return new Set(this.failures.keys());
  }
}
