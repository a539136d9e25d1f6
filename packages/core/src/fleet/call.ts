/**
 * One call through a pool, across its attempts: what to send, its deadline, which workers it has
 * tried, and why the last attempt failed.
 */
import type { ProxyCore } from "../proxy/core.js";
import type { BatchCall } from "../proxy/engine.js";
import type { CallOptions } from "../proxy/options.js";
import type { Deadline } from "./deadline.js";
import type { PoolMember } from "./member.js";

/** Property reads and writes are safe to repeat: reading twice, or setting the same value twice, changes nothing more. */
const ATTRIBUTE_ACCESS: ReadonlySet<string> = new Set(["__getattr__", "__setattr__"]);

/** A call (or a batch) a pool is sending. */
export class PoolCall {
  /** Attempts made so far. */
  attempts = 1;
  /** Workers already tried (made on the first retry). */
  tried: Set<PoolMember> | undefined;
  /** Backoffs waited before retrying a worker already tried. */
  backoffs = 0;
  /** Why the last attempt failed. */
  lastError: unknown;
  /** Clock time (ms) until which the call may wait for a worker when it has no deadline. */
  waitEndsAt: number | undefined;

  constructor(
    readonly method: string,
    readonly args: unknown[],
    readonly kwargs: Record<string, unknown> | null,
    readonly options: CallOptions | undefined,
    /** The shard key, for the `shard` strategy. */
    readonly key: string | undefined,
    readonly deadline: Deadline | undefined,
    /** For a batch: its calls, sent in one message. */
    readonly batch?: { readonly calls: BatchCall[]; readonly oneway: boolean },
  ) {}

  /** Sends one attempt through a worker's core. */
  invoke(core: ProxyCore, options: CallOptions | undefined): Promise<unknown> {
    if (this.batch) return core.sendBatch(this.batch.calls, this.batch.oneway);
    return core.call(this.method, this.args, this.kwargs, options);
  }

  /**
   * True when repeating the call is safe on `member`: its method (every method, for a batch) is
   * marked `@idempotent` by the worker or listed by the client, or it reads or sets a property.
   */
  idempotentOn(member: PoolMember, declared: ReadonlySet<string>): boolean {
    const marked = member.core.metadata?.idempotent;
    const safe = (method: string) => ATTRIBUTE_ACCESS.has(method) || declared.has(method) || (marked?.has(method) ?? false);
    return this.batch ? this.batch.calls.every(([method]) => safe(method)) : safe(this.method);
  }
}
