/**
 * What the orchestrator and the client/server programs agree on: workload ids, the client's
 * command-line arguments, and the one `RESULT {json}` line a client prints when it is done.
 */

/** Workload ids, as in issue 6 item 2. */
export type WorkloadId = "a" | "b" | "c" | "d" | "e" | "f" | "g" | "h" | "i";

/** The implementations compared in one run. */
export type ImplId = "baseline" | "pyrots" | "python";

/** Every workload, in table order. */
export const WORKLOAD_IDS: readonly WorkloadId[] = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];

/** Every implementation, in table order. */
export const IMPL_IDS: readonly ImplId[] = ["baseline", "pyrots", "python"];

/** Timing of one cell, in milliseconds. */
export interface Timing {
  warmupMs: number;
  windowMs: number;
  windows: number;
}

/** What a client reports on its `RESULT` line. */
export interface ClientResult {
  /** Operations per second in each measured window (calls, or MiB for workload d). */
  rates: number[];
  /** Latency percentiles in microseconds over every measured call (single-worker workloads only). */
  p50Us?: number;
  p99Us?: number;
  /** Results checked for correctness during the run (warm-up included). */
  checked: number;
}

/** Prefix of the line carrying a {@link ClientResult}. */
export const RESULT_PREFIX = "RESULT ";

/**
 * Prefixes of the lines a client prints when its measured windows start and end, each followed by
 * its own CPU seconds so far (user + system); the orchestrator reads the server's CPU time then.
 */
export const MEASURING_PREFIX = "MEASURING ";
export const MEASURED_PREFIX = "MEASURED ";

/** Prefix of the line a server prints once it listens: `READY <port>`. */
export const READY_PREFIX = "READY ";

/** Name registered and looked up in workload h. */
export const NS_NAME = "bench.target";

/** URI registered under {@link NS_NAME}. */
export const NS_URI = "PYRO:bench.target@127.0.0.1:9999";

/** Workload i registers `bench.reg.<k mod NS_REGISTER_NAMES>` (re-registering a bounded set of names). */
export const NS_REGISTER_PREFIX = "bench.reg.";

/** How many distinct names workload i cycles through. */
export const NS_REGISTER_NAMES = 1000;

/** Size of the payload echoed in workload d. */
export const ECHO_BYTES = 1024 * 1024;

/** Calls in flight on one proxy in workload c. */
export const IN_FLIGHT = 64;

/** Client connections in workload e. */
export const CONNECTIONS = 50;

/** Calls per batch in workload g. */
export const BATCH_SIZE = 100;

/** Oneway calls sent between two synchronising calls in workload f (bounds what is queued). */
export const ONEWAY_CHUNK = 1000;
