/**
 * Counts the calls running in a daemon, so that a shutdown can wait until they are done.
 */

/** Calls running in one daemon. */
export class WorkCounter {
  private running = 0;
  private waiters: (() => void)[] = [];

  /** Calls running now. */
  get size(): number {
    return this.running;
  }

  /** A call started. */
  started(): void {
    this.running++;
  }

  /** A call finished (answered or failed). */
  finished(): void {
    if (--this.running === 0 && this.waiters.length > 0) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    }
  }

  /** Resolves once no call is running. */
  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
