/**
 * How fresh an etcd-backed replica's copy is. A probe is a linearizable read: etcd answers it only
 * with a quorum behind it, with the cluster's current revision R at the probe's start time t. Once
 * the local copy has applied (or the watch has confirmed progress to) R, the copy is known to have
 * been current at t. The age of the copy is now − the newest such t.
 *
 * | age                         | state      | reads            | writes                          |
 * | --------------------------- | ---------- | ---------------- | ------------------------------- |
 * | ≤ `degradedAfter`           | `ok`       | from the copy    | to etcd                         |
 * | ≤ `staleLimit`              | `degraded` | from the copy    | to etcd (fail if it is unreachable) |
 * | > `staleLimit`              | `stale`    | refused          | to etcd (fail if it is unreachable) |
 */
import type { StorageHealth } from "./types.js";

interface Probe {
  readonly startedAt: number;
  readonly revision: number;
}

/** Freshness bookkeeping of one replica. */
export class Freshness {
  readonly #degradedAfterMs: number;
  readonly #staleLimitMs: number;
  #confirmedAt: number | undefined;
  #probes: Probe[] = [];
  #problem = "";

  constructor(degradedAfterSeconds: number, staleLimitSeconds: number) {
    this.#staleLimitMs = staleLimitSeconds * 1000;
    this.#degradedAfterMs = Math.min(degradedAfterSeconds, staleLimitSeconds) * 1000;
  }

  /** Marks the copy as current at `at` (after a full load at the current revision). */
  confirm(at: number): void {
    this.#confirmedAt = Math.max(this.#confirmedAt ?? 0, at);
    this.#problem = "";
  }

  /** A probe started at `startedAt` saw cluster revision `revision`; `applied` is how far the copy is. */
  probed(startedAt: number, revision: number, applied: number): void {
    this.#problem = "";
    this.#probes.push({ startedAt, revision });
    // Bounded: when the watch is stuck, only the newest probes matter.
    if (this.#probes.length > 64) this.#probes.splice(0, this.#probes.length - 64);
    this.reached(applied);
  }

  /** A probe failed: remembers why (for the health detail). */
  failed(why: string): void {
    this.#problem = why;
  }

  /** The copy has applied (or the watch confirmed) everything up to `revision`. */
  reached(revision: number): void {
    let newest: number | undefined;
    this.#probes = this.#probes.filter((probe) => {
      if (probe.revision > revision) return true;
      newest = Math.max(newest ?? 0, probe.startedAt);
      return false;
    });
    if (newest !== undefined) this.confirm(newest);
  }

  /** Seconds since the copy was last known current (Infinity before the first load). */
  age(now = Date.now()): number {
    return this.#confirmedAt === undefined ? Infinity : Math.max(0, now - this.#confirmedAt) / 1000;
  }

  /** The health as the name server reports it. */
  health(now = Date.now()): StorageHealth {
    const age = this.age(now);
    const staleLimit = this.#staleLimitMs / 1000;
    const base = { storage: "etcd", age: Number.isFinite(age) ? Math.round(age * 10) / 10 : -1, staleLimit };
    if (this.#confirmedAt === undefined) return { ...base, state: "stale", detail: "not connected to etcd yet" };
    const why = this.#problem ? `: ${this.#problem}` : "";
    if (age * 1000 > this.#staleLimitMs) {
      return {
        ...base,
        state: "stale",
        detail: `no confirmed contact with etcd for ${age.toFixed(1)} s (limit ${staleLimit} s)${why}; ask another name server`,
      };
    }
    if (age * 1000 > this.#degradedAfterMs) {
      return {
        ...base,
        state: "degraded",
        detail: `no confirmed contact with etcd for ${age.toFixed(1)} s${why}; answering from a copy at most ${staleLimit} s old`,
      };
    }
    return { ...base, state: "ok", detail: "" };
  }
}
