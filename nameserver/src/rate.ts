/**
 * Bounds on how fast and how widely the name server acts on its own: a token bucket (the broadcast
 * responder's replies, autoclean's checks) and per-key concurrency slots (autoclean's connects to
 * one host).
 */

/** A token bucket: `rate` tokens a second, at most `burst` saved up. */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  #tokens: number;
  #updated: number;

  /** Starts full. */
  constructor(rate: number, burst = rate, now = performance.now()) {
    if (!(rate > 0) || !(burst >= 1)) throw new RangeError("a token bucket needs a positive rate and a burst of at least 1");
    this.#rate = rate;
    this.#burst = burst;
    this.#tokens = burst;
    this.#updated = now;
  }

  /** Takes a token if one is there. */
  tryTake(now = performance.now()): boolean {
    this.#refill(now);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Waits for a token and takes it. */
  async take(): Promise<void> {
    while (!this.tryTake()) {
      const wait = ((1 - this.#tokens) / this.#rate) * 1000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.ceil(wait))).unref());
    }
  }

  #refill(now: number): void {
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#updated) / 1000) * this.#rate);
    this.#updated = now;
  }
}

/** At most `perKey` holders of a slot for any one key at a time; the others wait in order. */
export class KeyedSlots {
  readonly #perKey: number;
  readonly #held = new Map<string, number>();
  readonly #waiting = new Map<string, (() => void)[]>();

  constructor(perKey: number) {
    this.#perKey = perKey;
  }

  /** Runs `task` holding one of `key`'s slots. */
  async with<T>(key: string, task: () => Promise<T>): Promise<T> {
    await this.#acquire(key);
    try {
      return await task();
    } finally {
      this.#release(key);
    }
  }

  #acquire(key: string): Promise<void> {
    const held = this.#held.get(key) ?? 0;
    if (held < this.#perKey) {
      this.#held.set(key, held + 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const line = this.#waiting.get(key);
      if (line) line.push(resolve);
      else this.#waiting.set(key, [resolve]);
    });
  }

  #release(key: string): void {
    const line = this.#waiting.get(key);
    const next = line?.shift();
    if (line?.length === 0) this.#waiting.delete(key);
    // The slot passes straight to the next waiter; the count stays.
    if (next) return next();
    const held = this.#held.get(key)! - 1;
    if (held > 0) this.#held.set(key, held);
    else this.#held.delete(key);
  }
}
