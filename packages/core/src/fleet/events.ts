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

/** One thing that happened in a pool. */
export interface PoolEvent {
  readonly type: "joined" | "left" | "breaker-open" | "breaker-closed" | "draining" | "retry" | "pinned" | "membership-error";
  /** The worker's name, when the event is about one. */
  readonly worker?: string;
  /** What happened, in words (an error message, a retry's reason). */
  readonly detail?: string;
}
