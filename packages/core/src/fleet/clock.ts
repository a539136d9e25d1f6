/**
 * Time and chance as the fleet policies see them: passed in, never read from globals, so that the
 * breaker, the retry backoff, deadlines and the strategies can be tested with a fake clock and a
 * fixed sequence of random numbers.
 */
import { performance } from "node:perf_hooks";

/** A monotonic clock in milliseconds, and a way to wait on it. */
export interface Clock {
  /** Milliseconds on a monotonic scale (only differences mean anything). */
  now(): number;
  /** Resolves after `ms` milliseconds (at once for 0 or less). The wait does not keep the process alive. */
  sleep(ms: number): Promise<void>;
}

/** The process's monotonic clock (`performance.now()`). */
export const systemClock: Clock = Object.freeze({
  now: () => performance.now(),
  sleep: (ms: number) =>
    ms <= 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          setTimeout(resolve, ms).unref();
        }),
});

/** A source of uniformly distributed numbers in [0, 1), like `Math.random`. */
export type RandomSource = () => number;
