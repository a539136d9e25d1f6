/**
 * Autoclean: every `period` seconds, try a connect to the daemon behind each registered `PYRO:`
 * URI and drop the names whose daemon has been unreachable for `grace` seconds (Pyro4: 20 s).
 *
 * A connect that succeeds clears a name's record; only refusals, timeouts and other connect
 * errors count. `PYRONAME:`/`PYROMETA:` registrations, names bound to a lease (the lease ends them)
 * and the name server's own entry are never touched, and a name that was re-registered with
 * another URI while it was being checked starts over. No check runs while the storage is not
 * healthy (its copy of the names may be out of date).
 */
import net from "node:net";
import { URI } from "@pyrots/core";
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
  /** Told about every removal. */
  onRemove?: (name: string, uri: string) => void;
}

const CONCURRENT_CHECKS = 32;

/** Periodically removes registrations whose daemon no longer answers. */
export class AutoCleaner implements AsyncDisposable {
  readonly #storage: NameStorage;
  readonly #period: number;
  readonly #grace: number;
  readonly #connectTimeout: number;
  readonly #protect: ReadonlySet<string>;
  readonly #onRemove: ((name: string, uri: string) => void) | undefined;
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
    this.#schedule();
  }

  /** Runs one check now (also used by the timer). Resolves when it is done. */
  checkNow(): Promise<void> {
    this.#running ??= this.#check().finally(() => (this.#running = undefined));
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

  async #check(): Promise<void> {
    const candidates: [string, string, URI][] = [];
    if (this.#storage.health().state !== "ok") return;
    for (const [name, entry] of this.#storage.list()) {
      if (this.#protect.has(name) || entry.lease !== undefined) continue;
      const uri = URI.tryParse(entry.uri);
      if (uri?.protocol === "PYRO") candidates.push([name, entry.uri, uri]);
    }
    const present = new Set(candidates.map(([name]) => name));
    for (const name of this.#unreachable.keys()) if (!present.has(name)) this.#unreachable.delete(name);
    let next = 0;
    const worker = async () => {
      while (next < candidates.length && !this.#stopped) {
        const [name, text, uri] = candidates[next++]!;
        const alive = await reachable(uri, this.#connectTimeout);
        if (!this.#stopped) await this.#record(name, text, alive);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENT_CHECKS, candidates.length) }, worker));
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

/** Whether a TCP (or Unix socket) connect to the URI's daemon succeeds within `timeout` seconds. */
export function reachable(uri: URI, timeout: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = uri.sockname !== undefined ? net.connect({ path: uri.sockname }) : net.connect({ host: uri.host!, port: uri.port! });
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
