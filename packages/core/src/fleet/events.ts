/**
 * What a pool reports through its `onEvent` option (and `DEBUG=pyrots:pool`).
 *
 * | type               | when                                                                   |
 * | ------------------ | ---------------------------------------------------------------------- |
 * | `joined`           | a worker appeared in the name server (or the static list)              |
 * | `left`             | a worker's name went away (its daemon drained or died, its lease ended) |
 * | `breaker-open`     | a worker failed `failures` times in a row: it gets no calls for a while |
 * | `breaker-closed`   | a probe of an open (or draining) worker succeeded: it takes calls again |
 * | `draining`         | a worker refused a call or a connection because it is draining          |
 * | `retry`            | a call is sent again (`detail` says why)                               |
 * | `pinned`           | session affinity pinned this client to a worker                        |
 * | `membership-error` | the name server could not be asked for the workers (it is retried)     |
 */
import { debugLog } from "../debug.js";

/** One thing that happened in a pool. */
export interface PoolEvent {
  readonly type: "joined" | "left" | "breaker-open" | "breaker-closed" | "draining" | "retry" | "pinned" | "membership-error";
  /** The worker's name, when the event is about one. */
  readonly worker?: string;
  /** What happened, in words (an error message, a retry's reason). */
  readonly detail?: string;
}

/** Reports a pool event (to `onEvent` and `DEBUG=pyrots:pool`). */
export type Emit = (event: PoolEvent) => void;

/** An error's message, or the value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const log = debugLog("pyrots:pool");

/** The emitter of a pool over `description`: traces with `DEBUG=pyrots:pool`, and tells `listener` (whose errors are reported, never thrown). */
export function makeEmitter(description: string, listener: ((event: PoolEvent) => void) | undefined): Emit {
  return (event) => {
    if (log.enabled) log(`${description}: ${event.type}${event.worker ? ` ${event.worker}` : ""}${event.detail ? `: ${event.detail}` : ""}`);
    if (listener === undefined) return;
    try {
      listener(event);
    } catch (error) {
      process.stderr.write(`pyrots: a pool's onEvent listener threw: ${messageOf(error)}\n`);
    }
  };
}
