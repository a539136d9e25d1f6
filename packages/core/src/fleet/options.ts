/**
 * Options of a pool proxy (`pool(selector, options)`, or `new Proxy(uri, { pool: {...} })`), and
 * their checked, defaulted form.
 */
import type { ProxyOptions } from "../proxy/options.js";
import { type BreakerOptions, DEFAULT_BREAKER } from "./breaker.js";
import type { Clock, RandomSource } from "./clock.js";
import type { PoolEvent } from "./events.js";
import { DEFAULT_RETRY, type RetryOptions } from "./retry.js";
import type { ShardKeyOption } from "./shard-key.js";
import { STRATEGY_NAMES, type StrategyName } from "./strategies.js";

/** The pool's own options (see docs/fleets.md). Durations are in seconds. */
export interface PoolSettings {
  /** How a worker is chosen for each call (default `least-in-flight`; `shard` when `shardKey` is given). */
  strategy?: StrategyName;
  /** The shard key of a call, for the `shard` strategy: an argument position, a keyword or property name, or a function. */
  shardKey?: ShardKeyOption;
  /**
   * Seconds a call may take in all, every retry, backoff and wait for a worker included (default:
   * the proxy's `timeout`, i.e. `COMMTIMEOUT`; 0 = no deadline, attempts still bounded).
   * `withOptions(pool, { timeout })` sets it per call.
   */
  timeout?: number;
  /** Seconds one attempt may take (default: what is left of the deadline). Lower it so that an idempotent call can still move on from a worker that hangs. */
  attemptTimeout?: number;
  /** Retries: tries per call (`attempts`, default 3) and backoff before retrying a worker already tried (`backoff` 0.025 s doubling up to `maxBackoff` 1 s, full jitter). */
  retry?: Partial<RetryOptions>;
  /** Methods the client declares safe to repeat, beside those the workers mark `@idempotent` (e.g. for Python workers). */
  idempotent?: readonly string[];
  /** Per-worker circuit breaker: `failures` in a row (3) open it for `cooldown` (1 s, doubling per failed probe up to `maxCooldown` 30 s). */
  breaker?: Partial<BreakerOptions>;
  /**
   * Pin this client to one worker (re-pinned only when that one becomes unavailable). Default:
   * when the workers serve a session-mode object (their state lives per connection).
   */
  sessionAffinity?: boolean;
  /** Seconds a call waits for a worker when none is available (default: the call's deadline, else 10). */
  waitForWorkers?: number;
  /** Seconds each `watch` long poll waits on the name server (default 30). */
  watchWait?: number;
  /** Seconds between listings when the name server has no `watch` (Python Pyro4's), default 2. */
  refresh?: number;
  /** Receives what happens in the pool: workers joining and leaving, breakers, drains, retries, name server trouble. */
  onEvent?: (event: PoolEvent) => void;
  /** For tests: the clock and random numbers the policies use. */
  clock?: Clock;
  random?: RandomSource;
}

/** Options of `pool()`: the pool's own, plus everything a proxy takes for its connections to workers and name servers. */
export type PoolOptions = PoolSettings & ProxyOptions;

/** {@link PoolSettings} checked and with their defaults. */
export interface ResolvedPoolSettings {
  readonly strategy: StrategyName;
  readonly shardKey: ShardKeyOption | undefined;
  readonly timeout: number;
  readonly attemptTimeout: number | undefined;
  readonly retry: RetryOptions;
  readonly idempotent: ReadonlySet<string>;
  readonly breaker: BreakerOptions;
  readonly sessionAffinity: boolean | undefined;
  readonly waitForWorkers: number | undefined;
  readonly watchWait: number;
  readonly refresh: number;
  readonly onEvent: ((event: PoolEvent) => void) | undefined;
}

/** Keys of {@link PoolSettings}, which are not proxy options. */
export const POOL_SETTING_KEYS: ReadonlySet<string> = new Set([
  "strategy",
  "shardKey",
  "timeout",
  "attemptTimeout",
  "retry",
  "idempotent",
  "breaker",
  "sessionAffinity",
  "waitForWorkers",
  "watchWait",
  "refresh",
  "onEvent",
  "clock",
  "random",
]);

/** Checks `given` and fills in the defaults; `proxyTimeout` is the proxy's timeout (the default deadline). TypeError/RangeError for bad values. */
export function resolvePoolSettings(given: PoolSettings, proxyTimeout: number): ResolvedPoolSettings {
  const strategy = given.strategy ?? (given.shardKey !== undefined ? "shard" : "least-in-flight");
  if (!STRATEGY_NAMES.includes(strategy))
    throw new TypeError(`unknown pool strategy ${JSON.stringify(strategy)} (expected one of: ${STRATEGY_NAMES.join(", ")})`);
  if (strategy === "shard" && given.shardKey === undefined)
    throw new TypeError('the "shard" strategy needs a shardKey option (an argument position, a keyword name or a function)');
  const sk = given.shardKey;
  if (sk !== undefined && !(typeof sk === "function" || typeof sk === "string" || (Number.isInteger(sk) && sk >= 0))) {
    throw new TypeError("shardKey must be an argument position (a whole number), a keyword or property name, or a function");
  }
  const retry = { ...DEFAULT_RETRY, ...defined(given.retry) };
  const breaker = { ...DEFAULT_BREAKER, ...defined(given.breaker) };
  wholeAtLeast("retry.attempts", retry.attempts, 1);
  wholeAtLeast("breaker.failures", breaker.failures, 1);
  for (const [name, value] of Object.entries({
    timeout: given.timeout,
    attemptTimeout: given.attemptTimeout,
    "retry.backoff": retry.backoff,
    "retry.maxBackoff": retry.maxBackoff,
    "breaker.cooldown": breaker.cooldown,
    "breaker.maxCooldown": breaker.maxCooldown,
    waitForWorkers: given.waitForWorkers,
    watchWait: given.watchWait,
    refresh: given.refresh,
  })) {
    if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`pool option ${name} must be a number of seconds, 0 or more, got ${String(value)}`);
    }
  }
  return Object.freeze({
    strategy,
    shardKey: sk,
    timeout: given.timeout ?? proxyTimeout,
    attemptTimeout: given.attemptTimeout,
    retry: Object.freeze(retry),
    idempotent: new Set(given.idempotent ?? []),
    breaker: Object.freeze(breaker),
    sessionAffinity: given.sessionAffinity,
    waitForWorkers: given.waitForWorkers,
    watchWait: given.watchWait ?? 30,
    refresh: Math.max(0.1, given.refresh ?? 2),
    onEvent: given.onEvent,
  });
}

function defined<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function wholeAtLeast(name: string, value: unknown, min: number): void {
  if (!(typeof value === "number" && Number.isInteger(value) && value >= min))
    throw new RangeError(`pool option ${name} must be a whole number of at least ${min}, got ${String(value)}`);
}
