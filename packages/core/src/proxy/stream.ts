/**
 * Remote iterators on the client side: `for await (const item of proxy.generator())`.
 *
 * Toward Pyro4 and Pyro5 daemons each step asks for the next item
 * (`Pyro.Daemon.get_next_stream_item`). A pyrots daemon that announces `SBAT` in its handshake
 * hands out items in batches (`get_next_stream_items`): 1 item first, then twice as many each
 * time up to its cap, so a loop that stops after a few items does not make the generator run far
 * ahead. The remote generator may therefore run up to one batch ahead of the loop. Leaving the
 * loop early tells the daemon to close the stream (`close_stream`, oneway), so the generator's
 * `finally` blocks run over there.
 */
import { ProtocolError, RemoteError } from "../errors.js";
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
  /** The proxy's settings: its MAX_MESSAGE_SIZE bounds a batch's size. */
  readonly settings: { readonly maxMessageSize: number };
}

/** A remote iterator. Iterate it once, with `for await`. */
export class RemoteStream implements AsyncIterableIterator<unknown>, AsyncDisposable {
  /** No more items will be fetched: the stream ended, failed or was closed (buffered items may remain). */
  private done = false;
  /** Items of the last batch not yet handed out, from `nextIndex` on. */
  private buffered: unknown[] = [];
  private nextIndex = 0;
  /** Size of the next batch to ask for (batching daemons only). */
  private batchSize = 1;
  /** The batch being fetched, which a concurrent `next()` waits for. */
  private fetching: Promise<void> | undefined;

  /** Options of each item's call: the `onAnnotations` of the call that returned the stream, if any. */
  private readonly itemOptions: CallOptions | undefined;

  constructor(
    private readonly channel: StreamChannel,
    /** The daemon's id for this stream. */
    readonly streamId: string,
    /** Receives the annotations of each item's (or each batch's) reply (what the daemon set while making them). */
    onAnnotations?: CallOptions["onAnnotations"],
    /** The largest batch the daemon hands out; below 2: one item per call, as Pyro4. */
    private readonly batchLimit = 0,
  ) {
    this.itemOptions = onAnnotations ? { onAnnotations } : undefined;
  }

  async next(): Promise<IteratorResult<unknown>> {
    if (this.batchLimit < 2) return this.nextSingle();
    for (;;) {
      if (this.nextIndex < this.buffered.length) {
        const value = this.buffered[this.nextIndex];
        this.buffered[this.nextIndex++] = undefined;
        return { done: false, value };
      }
      if (this.done) return { done: true, value: undefined };
      if (this.fetching === undefined) this.fetching = this.fetchBatch().finally(() => (this.fetching = undefined));
      await this.fetching;
    }
  }

  async return(): Promise<IteratorResult<unknown>> {
    this.buffered = [];
    this.nextIndex = 0;
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

  private async nextSingle(): Promise<IteratorResult<unknown>> {
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

  /** Fetches the next batch into the buffer; an error (the generator's, or the connection's) ends the stream and is thrown. */
  private async fetchBatch(): Promise<void> {
    const max = this.batchSize;
    let reply: unknown;
    try {
      const args = [this.streamId, max, this.channel.settings.maxMessageSize];
      reply = await this.channel.callObject(DAEMON_OBJECT_ID, "get_next_stream_items", args, false, 0, {}, this.itemOptions);
    } catch (error) {
      this.done = true;
      throw error;
    }
    if (this.done) return; // closed while the batch was on its way
    if (!Array.isArray(reply) || reply.length !== 2 || !Array.isArray(reply[0]) || typeof reply[1] !== "boolean") {
      await this.return();
      throw new ProtocolError("the daemon answered get_next_stream_items with something other than [items, ended]: the stream is closed");
    }
    const [items, ended] = reply as [unknown[], boolean];
    if (items.length > max || (items.length === 0 && !ended)) {
      await this.return();
      throw new ProtocolError(`the daemon answered get_next_stream_items with ${items.length} items where 1 to ${max} were asked for: the stream is closed`);
    }
    this.buffered = items;
    this.nextIndex = 0;
    if (ended) this.done = true;
    this.batchSize = Math.min(max * 2, this.batchLimit);
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
