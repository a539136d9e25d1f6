/**
 * A circuit breaker per worker: after `failures` failures in a row (a timeout, a lost connection,
 * a call that could not be sent) the worker gets no calls for a cooldown; then one probe (a ping,
 * not a user's call) decides: success closes the breaker, failure opens it again for twice as long
 * (up to `maxCooldown`).
 *
 *     closed ──N failures──▶ open ──cooldown──▶ half-open ──probe ok──▶ closed
 *                              ▲                    │
 *                              └────probe failed────┘ (cooldown doubled)
 *
 * The caller reports every outcome, timeouts included: a breaker that never hears of timeouts never
 * trips (the trap moleculer#1202 describes). Failures reported while the breaker is open (calls
 * that were in flight when it tripped) change nothing.
 */
import type { Clock } from "./clock.js";

/** Options of {@link CircuitBreaker}; every field in seconds except `failures`. */
export interface BreakerOptions {
  /** Failures in a row that open the breaker (default 3). */
  readonly failures: number;
  /** Seconds an open breaker waits before its first probe (default 1). */
  readonly cooldown: number;
  /** Longest wait between probes, in seconds (default 30). */
  readonly maxCooldown: number;
}

/** The defaults of {@link BreakerOptions}. */
export const DEFAULT_BREAKER: BreakerOptions = Object.freeze({ failures: 3, cooldown: 1, maxCooldown: 30 });

/** Where a breaker stands. */
export type BreakerState = "closed" | "open" | "half-open";

/** One worker's breaker. */
export class CircuitBreaker {
  private failuresInARow = 0;
  private open = false;
  private openUntil = 0;
  private cooldownMs: number;
  private probing = false;
  /** Times this breaker opened. */
  trips = 0;

  constructor(
    private readonly options: BreakerOptions,
    private readonly clock: Clock,
  ) {
    this.cooldownMs = options.cooldown * 1000;
  }

  /** `closed`, `open`, or `half-open` once the cooldown has passed (a probe may run). */
  get state(): BreakerState {
    if (!this.open) return "closed";
    return this.clock.now() >= this.openUntil ? "half-open" : "open";
  }

  /** True while calls may go to the worker. */
  get admits(): boolean {
    return !this.open;
  }

  /** A call to the worker succeeded (or failed in the worker's own code, which proves it alive). */
  succeeded(): void {
    if (!this.open) this.failuresInARow = 0;
  }

  /** A call to the worker failed for the worker's sake (timeout, lost connection, not sent). */
  failed(): void {
    if (this.open) return;
    if (++this.failuresInARow >= this.options.failures) this.trip(this.options.cooldown * 1000);
  }

  /** Opens the breaker now, e.g. when the worker is known to be gone. */
  forceOpen(): void {
    if (!this.open) this.trip(this.options.cooldown * 1000);
  }

  /** Claims the probe of a half-open breaker: true for one caller per cooldown. */
  claimProbe(): boolean {
    if (this.state !== "half-open" || this.probing) return false;
    this.probing = true;
    return true;
  }

  /** The probe succeeded: the breaker closes and the cooldown starts over. */
  probeSucceeded(): void {
    this.probing = false;
    this.open = false;
    this.failuresInARow = 0;
    this.cooldownMs = this.options.cooldown * 1000;
  }

  /** The probe failed: open again, for twice the last cooldown (at most `maxCooldown`). */
  probeFailed(): void {
    this.probing = false;
    this.trip(Math.min(this.cooldownMs * 2, this.options.maxCooldown * 1000));
  }

  /** Milliseconds until a probe may run: 0 when one may now, Infinity while closed. */
  msUntilProbe(): number {
    if (!this.open) return Infinity;
    return Math.max(0, this.openUntil - this.clock.now());
  }

  private trip(cooldownMs: number): void {
    if (!this.open) this.trips++;
    this.open = true;
    this.failuresInARow = 0;
    this.cooldownMs = cooldownMs;
    this.openUntil = this.clock.now() + cooldownMs;
  }
}
