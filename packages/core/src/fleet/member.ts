/**
 * One worker of a pool: its connection machinery (a proxy core of its own), its breaker, and what
 * the strategies and the stats read (calls in flight, a moving average of latency, counts).
 */
import type { ProxyCore } from "../proxy/core.js";
import type { URI } from "../uri.js";
import type { CircuitBreaker } from "./breaker.js";
import type { Candidate } from "./strategies.js";

/** Weight of the newest sample in the latency moving average. */
const LATENCY_WEIGHT = 0.3;

/** What `poolStats` tells about one worker. */
export interface WorkerStats {
  readonly name: string;
  readonly uri: string;
  /** `ok`, `open` / `half-open` (breaker), `draining`, or `leaving` (gone from the name server, calls still finishing). */
  readonly state: "ok" | "open" | "half-open" | "draining" | "leaving";
  readonly tags: readonly string[];
  readonly inFlight: number;
  /** Calls answered (successes and the worker's own exceptions). */
  readonly calls: number;
  /** Attempts that failed for the worker's sake (not sent, lost, timed out, refused while draining). */
  readonly failures: number;
  /** Moving average of recent latencies in ms, if any call was answered yet. */
  readonly latencyMs: number | undefined;
  /** Times the breaker opened. */
  readonly trips: number;
}

/** A worker in a pool. */
export class PoolMember implements Candidate {
  inFlight = 0;
  latencyMs: number | undefined;
  calls = 0;
  failures = 0;
  /** Refused work because it is draining; cleared by a successful probe. */
  draining = false;
  /** Gone from the membership; closed once its calls are done. */
  leaving = false;
  /** A probe is scheduled or running. */
  probeScheduled = false;

  constructor(
    readonly name: string,
    readonly uri: URI,
    readonly tags: readonly string[],
    readonly core: ProxyCore,
    readonly breaker: CircuitBreaker,
  ) {}

  /** True while calls may be sent to it. */
  get available(): boolean {
    return !this.leaving && !this.draining && this.breaker.admits;
  }

  /** A call was answered, in `ms` when it was timed. */
  answered(ms: number | undefined): void {
    this.calls++;
    if (ms !== undefined) this.latencyMs = this.latencyMs === undefined ? ms : this.latencyMs + LATENCY_WEIGHT * (ms - this.latencyMs);
  }

  /** Its stats now. */
  stats(): WorkerStats {
    const state = this.leaving ? "leaving" : this.draining ? "draining" : this.breaker.state === "closed" ? "ok" : this.breaker.state;
    return {
      name: this.name,
      uri: this.uri.toString(),
      state,
      tags: this.tags,
      inFlight: this.inFlight,
      calls: this.calls,
      failures: this.failures,
      latencyMs: this.latencyMs,
      trips: this.breaker.trips,
    };
  }
}
