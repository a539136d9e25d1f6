/**
 * "Something changed": a counter a storage bumps on every change of its names (its own writes,
 * lease expiries, and changes other processes made: another name server on the same SQLite file,
 * or another replica through etcd's watch), and a way to wait for the next bump. The name server's
 * `watch` call sleeps on it instead of polling.
 */

/** A storage's change counter. */
export class ChangeFeed {
  #version = 0;
  #waiters = new Set<() => void>();

  /** Bumped by every change. */
  get version(): number {
    return this.#version;
  }

  /** Records a change and wakes every waiter. */
  notify(): void {
    this.#version++;
    if (this.#waiters.size === 0) return;
    const waiters = this.#waiters;
    this.#waiters = new Set();
    for (const wake of waiters) wake();
  }

  /**
   * Resolves true once the version differs from `since` (at once if it already does), or false
   * after `timeoutMs` or when `cancel` fires, whichever comes first.
   */
  wait(since: number, timeoutMs: number, cancel?: AbortSignal): Promise<boolean> {
    if (this.#version !== since) return Promise.resolve(true);
    if (timeoutMs <= 0 || cancel?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (changed: boolean) => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        cancel?.removeEventListener("abort", onCancel);
        resolve(changed);
      };
      const wake = () => done(true);
      const onCancel = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      timer.unref();
      this.#waiters.add(wake);
      cancel?.addEventListener("abort", onCancel, { once: true });
    });
  }

  /** Waiters right now (for limits and tests). */
  get waiting(): number {
    return this.#waiters.size;
  }
}
