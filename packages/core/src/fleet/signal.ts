/**
 * A wake-up for waiters: calls that found no worker available wait on it until the membership or a
 * breaker changes.
 */
import type { Clock } from "./clock.js";

/** Wakes everyone waiting on it. */
export class ChangeSignal {
  private waiters = new Set<() => void>();

  constructor(private readonly clock: Clock) {}

  /** Wakes every waiter. */
  notify(): void {
    if (this.waiters.size === 0) return;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** Resolves at the next {@link notify}, or after `ms` on the clock (whose timers do not keep the process alive). */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const wake = () => {
        if (done) return;
        done = true;
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
      void this.clock.sleep(ms).then(wake);
    });
  }
}
