/**
 * A call's deadline: one point in time that every attempt, backoff and wait of the call must fit
 * before, so that no retry loop outlives it.
 */
import type { Clock } from "./clock.js";

/** The moment a call must be finished by (or none). */
export class Deadline {
  private constructor(
    private readonly clock: Clock,
    /** Clock time in ms at which the call gives up; Infinity for none. */
    readonly at: number,
  ) {}

  /** A deadline `seconds` from now; none for 0, a negative or undefined value. */
  static after(clock: Clock, seconds: number | undefined): Deadline {
    return new Deadline(clock, seconds !== undefined && seconds > 0 ? clock.now() + seconds * 1000 : Infinity);
  }

  /** True when there is no deadline at all. */
  get unbounded(): boolean {
    return this.at === Infinity;
  }

  /** Milliseconds left (Infinity without a deadline; 0 once it has passed). */
  remainingMs(): number {
    return Math.max(0, this.at - this.clock.now());
  }

  /** True once the deadline has passed. */
  get expired(): boolean {
    return this.clock.now() >= this.at;
  }

  /**
   * The timeout in seconds for one attempt: what is left of the deadline, or `cap` seconds if that
   * is sooner; 0 (none) when neither bounds it.
   */
  attemptSeconds(cap: number | undefined): number {
    const left = this.remainingMs() / 1000;
    const bounded = cap !== undefined && cap > 0 ? Math.min(cap, left) : left;
    return bounded === Infinity ? 0 : Math.max(bounded, 0.001);
  }
}
