/**
 * Remote iterators on the client side: `for await (const item of proxy.generator())`.
 *
 * Each step asks the daemon for the next item (`Pyro.Daemon.get_next_stream_item`); leaving the
 * loop early tells it to close the stream (`close_stream`, oneway), so the generator's `finally`
 * blocks run over there.
 */
import { RemoteError } from "../errors.js";
import { DAEMON_OBJECT_ID } from "../protocol/constants.js";
import type { CallOptions } from "./options.js";

/** How a stream reaches its daemon (the proxy core). */
export interface StreamChannel {
  callObject(
    objectId: string,
    method: string,
    args: unknown[],
    oneway: boolean,
    extraFlags?: number,
    kwargs?: Record<string, unknown> | null,
    options?: CallOptions,
  ): Promise<unknown>;
}

/** A remote iterator. Iterate it once, with `for await`. */
export class RemoteStream implements AsyncIterableIterator<unknown>, AsyncDisposable {
  private done = false;

  /** Options of each item's call: the `onAnnotations` of the call that returned the stream, if any. */
  private readonly itemOptions: CallOptions | undefined;

  constructor(
    private readonly channel: StreamChannel,
    /** The daemon's id for this stream. */
    readonly streamId: string,
    /** Receives the annotations of each item's reply (what the daemon set while making the item). */
    onAnnotations?: CallOptions["onAnnotations"],
  ) {
    this.itemOptions = onAnnotations ? { onAnnotations } : undefined;
  }

  async next(): Promise<IteratorResult<unknown>> {
    if (this.done) return { done: true, value: undefined };
    try {
      const value = await this.channel.callObject(DAEMON_OBJECT_ID, "get_next_stream_item", [this.streamId], false, 0, {}, this.itemOptions);
      return { done: false, value };
    } catch (error) {
      this.done = true;
      if (error instanceof RemoteError && error.remoteType === "builtins.StopIteration") return { done: true, value: undefined };
      throw error;
    }
  }

  async return(): Promise<IteratorResult<unknown>> {
    if (!this.done) {
      this.done = true;
      await this.channel.callObject(DAEMON_OBJECT_ID, "close_stream", [this.streamId], true).catch(() => undefined);
    }
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }
}

/**
 * Installed as `[Symbol.asyncIterator]` on the promise a remote call returns, so that a call can
 * be iterated directly. Shared by all calls: no closure per call.
 */
export async function* iterateCallResult(this: Promise<unknown>): AsyncGenerator<unknown> {
  const result = await this;
  if (result instanceof RemoteStream) {
    yield* result;
  } else if (typeof result === "object" && result !== null && typeof (result as Iterable<unknown>)[Symbol.iterator] === "function") {
    // A daemon that sends lists instead of streaming (or a method returning an array).
    yield* result as Iterable<unknown>;
  } else {
    throw new TypeError(`the remote method did not return an iterator (got ${result === null ? "null" : typeof result})`);
  }
}
