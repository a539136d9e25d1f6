/**
 * Fleets: pool proxies over many workers (strategies, breakers, retries, deadlines, membership),
 * for sibling modules and tests (`@pyrots/core/internal`). The public face is `pool()` in
 * `endpoints/pool.ts`.
 */
export { CircuitBreaker, DEFAULT_BREAKER, type BreakerOptions, type BreakerState } from "./breaker.js";
export { PoolCall } from "./call.js";
export { systemClock, type Clock, type RandomSource } from "./clock.js";
export { Deadline } from "./deadline.js";
export type { PoolEvent } from "./events.js";
export { HashRing, POINTS_PER_MEMBER, hash32 } from "./hash-ring.js";
export { MAX_WORKERS, parseListing, type ParsedListing, type WorkerEntry } from "./listing.js";
export { PoolMember, type WorkerStats } from "./member.js";
export { NameServerMembership, StaticMembership, type MembershipSink, type MembershipSource, type NameFilter } from "./membership.js";
export { POOL_SETTING_KEYS, resolvePoolSettings, type PoolOptions, type PoolSettings, type ResolvedPoolSettings } from "./options.js";
export { PoolEngine, type CoreFactory, type PoolParts, type PoolStats } from "./pool.js";
export { DEFAULT_RETRY, backoffMs, classifyFailure, isDrainRefusal, isWorkerFault, mayRetry, type FailureKind, type RetryOptions } from "./retry.js";
export { shardKeyOf, type ShardKeyFunction, type ShardKeyOption } from "./shard-key.js";
export { ChangeSignal } from "./signal.js";
export { STRATEGY_NAMES, makeStrategy, type Candidate, type CandidateSet, type Strategy, type StrategyName } from "./strategies.js";
