/**
 * A clock for policy tests: time moves only when the test says so, and sleepers wake in order.
 */
import type { Clock } from "@pyrots/core/internal";

interface Sleeper {
  readonly at: number;
  readonly wake: () => void;
}

/** A {@link Clock} whose time is set by the test. */
export class FakeClock implements Clock {
  private time = 0;
  private sleepers: Sleeper[] = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.sleepers.push({ at: this.time + ms, wake: resolve });
      this.sleepers.sort((a, b) => a.at - b.at);
    });
  }

  /** Moves time on by `ms`, waking every sleeper due on the way (in order, letting each one's follow-ups run). */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      await settle();
      const next = this.sleepers[0];
      if (next === undefined || next.at > until) break;
      this.sleepers.shift();
      this.time = next.at;
      next.wake();
    }
    this.time = until;
    await settle();
  }

  /**
   * Runs time forward (sleeper by sleeper) until `promise` settles; fails if that needs more than
   * `limitMs` of fake time. Resolves with the outcome and the fake time it took.
   */
  async run<T>(promise: Promise<T>, limitMs = 600_000): Promise<{ value?: T; error?: unknown; elapsed: number }> {
    const started = this.time;
    let outcome: { value?: T; error?: unknown } | undefined;
    promise.then(
      (value) => (outcome = { value }),
      (error: unknown) => (outcome = { error }),
    );
    for (;;) {
      await settle();
      if (outcome) return { ...outcome, elapsed: this.time - started };
      const next = this.sleepers[0];
      if (next === undefined) throw new Error("the promise waits for something other than the clock");
      if (next.at - started > limitMs) throw new Error(`the promise needs more than ${limitMs} ms of fake time`);
      this.sleepers.shift();
      this.time = next.at;
      next.wake();
    }
  }

  /** Sleepers waiting. */
  get pending(): number {
    return this.sleepers.length;
  }
}

/** Lets every queued promise reaction run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Random numbers from a fixed list, round and round. */
export function fixedRandom(values: readonly number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}
