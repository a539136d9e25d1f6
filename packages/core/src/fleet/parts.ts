/**
 * What a pool engine is made of and reports, apart from the engine itself (so that the roster and
 * the health tracker can name them without importing the engine).
 */
import type { ProxyCore } from "../proxy/core.js";
import type { ProxySettings } from "../proxy/settings.js";
import type { URI } from "../uri.js";
import type { Clock, RandomSource } from "./clock.js";
import type { WorkerStats } from "./member.js";
import type { MembershipSource } from "./membership.js";
import type { ResolvedPoolSettings } from "./options.js";

/** What `poolStats` reports. */
export interface PoolStats {
  /** What the pool stands for (`names under "worker."`, ...). */
  readonly description: string;
  readonly strategy: string;
  readonly workers: readonly WorkerStats[];
  /** Attempts sent again after a failure. */
  readonly retries: number;
  /** Calls that failed after every attempt allowed. */
  readonly failedCalls: number;
  /** The worker this client is pinned to (session affinity), if any. */
  readonly pinned: string | undefined;
}

/** Makes the core of one worker. */
export type CoreFactory = (uri: URI, settings: ProxySettings) => ProxyCore;

/** What a pool engine is built from. */
export interface PoolParts {
  /** What the pool's face shows as its URI. */
  readonly uri: URI;
  /** Settings of the connections to workers. */
  readonly settings: ProxySettings;
  readonly pool: ResolvedPoolSettings;
  readonly membership: MembershipSource;
  readonly createCore: CoreFactory;
  readonly clock: Clock;
  readonly random: RandomSource;
}
