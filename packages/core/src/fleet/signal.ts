/**
 * A wake-up for waiters: calls that found no worker available wait on it until the membership or a
 * breaker changes.
 */

/** Wakes everyone waiting on it. */
export class ChangeSignal {
  private waiters = new Set<() => void>();

  /** Wakes every waiter. */
  notify(): void {
    if (this.waiters.size === 0) return;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** Resolves at the next {@link notify}, or after `ms` (the timer does not keep the process alive). */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
      timer.unref();
      this.waiters.add(wake);
    });
  }
}
