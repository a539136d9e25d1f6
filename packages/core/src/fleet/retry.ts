/**
 * When a pool may send a failed call again, and how long it waits first.
 *
 * | failure                                             | kind       | retried                    | counts against the worker |
 * | --------------------------------------------------- | ---------- | -------------------------- | ------------------------- |
 * | never sent (connect refused, handshake refused, connection closed before writing) | `not-sent` | always | yes |
 * | refused unrun by a draining daemon (`DRAN`, or its handshake refusal) | `draining` | always   | no (the worker is leaving) |
 * | connection lost with the call in flight             | `lost`     | only an idempotent method  | yes                       |
 * | no answer within the attempt's timeout              | `timeout`  | only an idempotent method  | yes                       |
 * | an exception from the worker's code (or its rules)  | `remote`   | never                      | no (it is alive)          |
 * | anything local (cannot encode, unknown method, aborted) | `local` | never                     | no                        |
 *
 * A method is idempotent when the worker marks it `@idempotent` (advertised in the handshake) or
 * the pool's options list it. Attempts are bounded; the backoff before a retry grows exponentially
 * with full jitter, and no wait extends past the call's deadline (the pool checks that).
 */
import { DRAIN_CONNECT_REFUSAL } from "../daemon/drain.js";
import { CommunicationError, TimeoutError } from "../errors.js";
import { cameFromReply, wasNotSent } from "../proxy/outcome.js";
import type { RandomSource } from "./clock.js";

/** Options of the retry policy; durations in seconds. */
export interface RetryOptions {
  /** Tries per call in all, the first included (default 3; 1 = never retry). */
  readonly attempts: number;
  /** Backoff before the first retry of a worker already tried, in seconds (default 0.025); doubles per retry. */
  readonly backoff: number;
  /** Longest backoff, in seconds (default 1). */
  readonly maxBackoff: number;
}

/** The defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY: RetryOptions = Object.freeze({ attempts: 3, backoff: 0.025, maxBackoff: 1 });

/** How a call failed, as far as retrying it goes (see the table above). */
export type FailureKind = "not-sent" | "draining" | "lost" | "timeout" | "remote" | "local";

/**
 * A draining daemon's refusal: of a call it did not run (an exception answer with `DRAN`), or of
 * a new connection (its handshake refusal text).
 */
export function isDrainRefusal(error: unknown): boolean {
  if (!wasNotSent(error)) return false;
  return cameFromReply(error) || (error instanceof CommunicationError && error.message.includes(DRAIN_CONNECT_REFUSAL));
}

/** What kind of failure `error` is. */
export function classifyFailure(error: unknown): FailureKind {
  if (isDrainRefusal(error)) return "draining";
  if (wasNotSent(error)) return "not-sent";
  if (cameFromReply(error)) return "remote";
  if (error instanceof CommunicationError) return error instanceof TimeoutError ? "timeout" : "lost";
  return "local";
}

/** True when a call that failed this way may be sent again. */
export function mayRetry(kind: FailureKind, idempotent: boolean): boolean {
  switch (kind) {
    case "not-sent":
    case "draining":
      return true;
    case "lost":
    case "timeout":
      return idempotent;
    default:
      return false;
  }
}

/** True when the failure says something is wrong with the worker (its breaker hears of it). */
export function isWorkerFault(kind: FailureKind): boolean {
  return kind === "not-sent" || kind === "lost" || kind === "timeout";
}

/**
 * Milliseconds to wait before retry number `retry` (1 for the first) of a worker already tried:
 * a random time up to `backoff × 2^(retry-1)`, capped at `maxBackoff` ("full jitter", so that
 * many clients retrying at once spread out).
 */
export function backoffMs(retry: number, options: RetryOptions, random: RandomSource): number {
  const ceiling = Math.min(options.maxBackoff, options.backoff * 2 ** Math.max(0, retry - 1));
  return random() * ceiling * 1000;
}
