/**
 * Autoclean: every `period` seconds, try a connect to the daemon behind each registered `PYRO:`
 * URI that the rule of {@link pingTarget} allows checking (its daemon is on the host that
 * registered it), and drop the names whose daemon has been unreachable for `grace` seconds
 * (Pyro4: 20 s). Registrations the rule excludes are never checked and never removed.
 *
 * A connect that succeeds clears a name's record; only refusals, timeouts and other connect
 * errors count. `PYRONAME:`/`PYROMETA:` registrations, names bound to a lease (the lease ends them)
 * and the name server's own entry are never touched, and a name that was re-registered with
 * another URI while it was being checked starts over. No check runs while the storage is not
 * healthy (its copy of the names may be out of date). Checks are bounded: at most 32 connects at
 * once, 4 to any one host, and `checksPerSecond` checks started per second.
 *
 * A failing pass (the storage throwing, say a locked SQLite file) is reported through `onError`
 * and tried again at the next period; it never ends the name server.
 */
import net from "node:net";
import { URI } from "@pyrots/core";
import { type PingPolicyContext, type PingTarget, pingTarget, resolveHost } from "./autoclean-policy.js";
import { localAddresses } from "./netutil.js";
import { KeyedSlots, TokenBucket } from "./rate.js";
import type { NameStorage } from "./storage/types.js";

/** Smallest autoclean period Pyro4 allows, in seconds. */
export const MIN_AUTOCLEAN_PERIOD = 3;

/** Options of {@link AutoCleaner}. */
export interface AutoCleanOptions {
  /** Seconds between checks (≥ 3 unless `allowShortPeriod`). */
  period: number;
  /** Seconds a daemon must stay unreachable before its names go (default 20). */
  grace?: number;
  /** Seconds one connect attempt may take (default 5, Pyro4's fallback for `COMMTIMEOUT`). */
  connectTimeout?: number;
  /** Names never removed (the name server's own). */
  protect?: Iterable<string>;
  /** Accept a period under 3 s (tests). */
  allowShortPeriod?: boolean;
  /** Checks (name resolutions and connects) started per second at most (default 100). */
  checksPerSecond?: number;
  /** Told about every removal. */
  onRemove?: (name: string, uri: string) => void;
  /** Told when a pass fails (default: a line on stderr); the next pass runs as planned. */
  onError?: (error: unknown) => void;
  /** This machine's addresses and the host name resolver (default: the system's); for tests. */
  policy?: PingPolicyContext;
}

const CONCURRENT_CHECKS = 32;
const CONCURRENT_PER_HOST = 4;

/** Periodically removes registrations whose daemon no longer answers. */
export class AutoCleaner implements AsyncDisposable {
  readonly #storage: NameStorage;
  readonly #period: number;
  readonly #grace: number;
  readonly #connectTimeout: number;
  readonly #protect: ReadonlySet<string>;
  readonly #onRemove: ((name: string, uri: string) => void) | undefined;
  readonly #onError: (error: unknown) => void;
  readonly #policy: PingPolicyContext | undefined;
  readonly #pace: TokenBucket;
  readonly #hostSlots = new KeyedSlots(CONCURRENT_PER_HOST);
  /** Name → [uri, first failure time in ms]. */
  readonly #unreachable = new Map<string, [string, number]>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  /** Starts checking after one period. Throws RangeError for a period under 3 s. */
  constructor(storage: NameStorage, options: AutoCleanOptions) {
    if (!(options.period > 0)) throw new RangeError("autoclean period must be a positive number of seconds");
    if (options.period < MIN_AUTOCLEAN_PERIOD && !options.allowShortPeriod)
      throw new RangeError(`autoclean period cannot be smaller than ${MIN_AUTOCLEAN_PERIOD} seconds`);
    this.#storage = storage;
    this.#period = options.period;
    this.#grace = options.grace ?? 20;
    this.#connectTimeout = options.connectTimeout ?? 5;
    this.#protect = new Set(options.protect ?? []);
    this.#onRemove = options.onRemove;
    this.#onError = options.onError ?? reportOnStderr;
    this.#policy = options.policy;
    const rate = options.checksPerSecond ?? 100;
    this.#pace = new TokenBucket(rate, Math.max(1, Math.min(rate, CONCURRENT_CHECKS)));
    this.#schedule();
  }

  /** Runs one check now (also used by the timer). Resolves when it is done; never rejects. */
  checkNow(): Promise<void> {
    this.#running ??= this.#check()
      .catch((error: unknown) => this.#report(error))
      .finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Stops the timer and waits for a running check. Idempotent. */
  async close(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.checkNow().finally(() => this.#schedule());
    }, this.#period * 1000);
    // The name server's own sockets keep the process alive; the cleaner must not.
    this.#timer.unref();
  }

  #report(error: unknown): void {
    try {
      this.#onError(error);
    } catch {
      // a failing reporter must not end the name server either
    }
  }

  async #check(): Promise<void> {
    const candidates: [string, string, URI, string | undefined][] = [];
    if (this.#storage.health().state !== "ok") return;
    for (const [name, entry] of this.#storage.list()) {
      if (this.#protect.has(name) || entry.lease !== undefined) continue;
      const uri = URI.tryParse(entry.uri);
      if (uri?.protocol === "PYRO") candidates.push([name, entry.uri, uri, entry.registrant]);
    }
    const present = new Set(candidates.map(([name]) => name));
    for (const name of this.#unreachable.keys()) if (!present.has(name)) this.#unreachable.delete(name);
    const policy = this.#policy ?? passPolicy();
    let next = 0;
    let failure: { error: unknown } | undefined;
    const worker = async () => {
      while (next < candidates.length && !this.#stopped && failure === undefined) {
        const [name, text, uri, registrant] = candidates[next++]!;
        try {
          // Only literal addresses are decided for free; a host name costs a resolution.
          if (uri.sockname === undefined && net.isIP(uri.host ?? "") === 0) await this.#pace.take();
          const target = await pingTarget(uri, registrant, policy);
          if (target === undefined || this.#stopped) continue;
          await this.#pace.take();
          const alive = await this.#hostSlots.with(targetHost(target), () => reachableTarget(target, this.#connectTimeout));
          if (!this.#stopped) await this.#record(name, text, alive);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENT_CHECKS, candidates.length) }, worker));
    if (failure) throw failure.error;
  }

  async #record(name: string, uri: string, alive: boolean): Promise<void> {
    const known = this.#unreachable.get(name);
    if (alive) {
      this.#unreachable.delete(name);
      return;
    }
    const now = Date.now();
    if (known === undefined || known[0] !== uri) {
      this.#unreachable.set(name, [uri, now]);
      if (this.#grace > 0) return;
    } else if (now - known[1] < this.#grace * 1000) {
      return;
    }
    this.#unreachable.delete(name);
    try {
      if (await this.#storage.removeIfUri(name, uri)) this.#onRemove?.(name, uri);
    } catch {
      // The storage could not remove it now (etcd unreachable): the next check tries again.
    }
  }
}

/** This machine's addresses now, and host names resolved once per pass. */
function passPolicy(): PingPolicyContext {
  const resolved = new Map<string, Promise<string[]>>();
  return {
    localAddresses: localAddresses(),
    resolve(host) {
      let addresses = resolved.get(host);
      if (addresses === undefined) resolved.set(host, (addresses = resolveHost(host)));
      return addresses;
    },
  };
}

function reportOnStderr(error: unknown): void {
  const text = error instanceof Error ? error.message : String(error);
  process.stderr.write(`pyrots name server: autoclean pass failed, will try again next period: ${text}\n`);
}

function targetHost(target: PingTarget): string {
  return "path" in target ? "unix" : target.addresses[0]!;
}

/** Whether a connect to one of the target's addresses (in order) or its Unix socket succeeds. */
async function reachableTarget(target: PingTarget, timeout: number): Promise<boolean> {
  if ("path" in target) return connects({ path: target.path }, timeout);
  for (const host of target.addresses) if (await connects({ host, port: target.port }, timeout)) return true;
  return false;
}

/** Whether a TCP (or Unix socket) connect to the URI's daemon succeeds within `timeout` seconds. */
export function reachable(uri: URI, timeout: number): Promise<boolean> {
  return connects(uri.sockname !== undefined ? { path: uri.sockname } : { host: uri.host!, port: uri.port! }, timeout);
}

function connects(where: { path: string } | { host: string; port: number }, timeout: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(where);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeout * 1000);
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
