/**
 * Batched calls: queue several calls on one proxy and send them as one message (Pyro4's
 * FLAGS_BATCH); the daemon runs them in order and answers with all results at once.
 *
 * ```ts
 * const b = batch(calc);
 * b.add(1, 2);
 * b.mul(3, 4);
 * const [sum, product] = await runBatch(b);
 * ```
 */
import { PyroError } from "../errors.js";
import { NO_KWARGS } from "../serializers/call.js";
import { ExceptionWrapper } from "../serializers/classes.js";
import type { BatchCall, ProxyEngine } from "./engine.js";
import type { RemoteMembers } from "./remote.js";

/** A batch recorder: the remote methods of `T`, each recording a call instead of making it. */
export type Batch<T> = {
  readonly [K in keyof RemoteMembers<T> as RemoteMembers<T>[K] extends (...args: never[]) => unknown ? K : never]: RemoteMembers<T>[K] extends (
    ...args: infer A
  ) => unknown
    ? (...args: A) => void
    : never;
};

/** A batch call failed: the results before it, and its error. */
export class BatchError extends PyroError {
  constructor(
    /** Position of the failed call in the batch. */
    readonly index: number,
    /** Results of the calls before it. */
    readonly results: unknown[],
    cause: Error,
  ) {
    super(`call ${index} of the batch failed: ${cause.message}`, { cause });
  }
}

interface Recording {
  engine: ProxyEngine;
  calls: BatchCall[];
  /** One recorder function per method name, made on first use. */
  recorders: Map<string, (...args: unknown[]) => void>;
}

const recordings = new WeakMap<object, Recording>();

/** Starts a batch on the proxy's object (for a pool: on one of its workers, chosen when the batch is sent). */
export function createBatch<T>(engine: ProxyEngine): Batch<T> {
  const recording: Recording = { engine, calls: [], recorders: new Map() };
  const recorder = new globalThis.Proxy(Object.create(null) as object, {
    get(_target, key) {
      if (typeof key === "symbol" || key === "then") return undefined;
      let record = recording.recorders.get(key);
      if (record === undefined) {
        record = (...args: unknown[]) => {
          recording.calls.push([key, args, NO_KWARGS]);
        };
        recording.recorders.set(key, record);
      }
      return record;
    },
  });
  recordings.set(recorder, recording);
  return recorder as Batch<T>;
}

/**
 * Sends the recorded calls as one message and returns their results in order. If a call fails,
 * the batch stops there (as Pyro4 does) and this rejects with a {@link BatchError} holding the
 * results before it. With `oneway`, resolves once sent, with no results.
 */
export async function runBatch(batch: object, options: { oneway?: boolean } = {}): Promise<unknown[]> {
  const recording = recordings.get(batch);
  if (!recording) throw new TypeError("runBatch needs a batch made with batch(proxy)");
  const calls = recording.calls.splice(0);
  const reply = await recording.engine.sendBatch(calls, options.oneway ?? false);
  if (options.oneway) return [];
  const results = Array.isArray(reply) ? reply : [];
  const last = results.at(-1);
  if (last instanceof ExceptionWrapper) throw new BatchError(results.length - 1, results.slice(0, -1), last.error);
  return results;
}
