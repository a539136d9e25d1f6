/**
 * `Pyro.Daemon`: the object every daemon serves about itself.
 */
import { DaemonError, PyroError, SerializeError } from "../errors.js";
import { expose, oneway } from "../decorators.js";
import { activeCaller, activeResponseAnnotationsSet, activeSerializer } from "./context.js";
import { MAX_STREAM_BATCH } from "../protocol/constants.js";
import type { Serializer } from "../serializers/types.js";
import { encodeAhead } from "../transport/outgoing.js";
import type { BatchRules, StreamBatch } from "./stream-batch.js";
import type { StreamRegistry } from "./streams.js";

/** Bytes a batch of stream items stays under, encoded (and under a quarter of either side's message size limit). */
const STREAM_BATCH_BYTES = 1024 * 1024;

/** What the daemon object needs to know about its daemon. */
export interface DaemonIntrospection {
  registeredIds(): string[];
  locationText(): string;
  metadataOf(objectId: unknown): { methods: string[]; oneway: string[]; attrs: string[] };
  readonly streams: StreamRegistry;
  /** The daemon's MAX_MESSAGE_SIZE (0: none). */
  readonly maxMessageSize: number;
}

/** The built-in `Pyro.Daemon` object, with Pyro4's method names. */
@expose
export class DaemonObject {
  constructor(private readonly daemon: DaemonIntrospection) {}

  /** Ids of all registered objects, `Pyro.Daemon` included. */
  registered(): string[] {
    return this.daemon.registeredIds();
  }

  /** Does nothing; a cheap round trip. */
  ping(): null {
    return null;
  }

  /** A line describing the daemon. */
  info(): string {
    const count = this.daemon.registeredIds().length;
    return `Pyro.Daemon bound on ${this.daemon.locationText()}, NAT None, ${count} objects registered. Servertype: pyrots (Node.js ${process.version})`;
  }

  /** Exposed methods, oneway methods and attributes of a registered object. */
  get_metadata(objectId: string, as_lists = false): { methods: string[]; oneway: string[]; attrs: string[] } {
    void as_lists; // lists are all we ever send
    if (typeof objectId !== "string") throw new DaemonError("unknown object");
    return this.daemon.metadataOf(objectId);
  }

  /** The next item of a remote iterator; Python's StopIteration at its end. */
  get_next_stream_item(streamId: string): unknown {
    if (typeof streamId !== "string") throw new PyroError("item stream terminated");
    return this.daemon.streams.next(streamId, activeCaller() ?? this);
  }

  /**
   * pyrots' own: up to `max` (1 to 256) next items of a remote iterator, and whether it ended
   * after them, as `[items, ended]`. The client's `maxMessageSize` (0: none) keeps the batch small
   * enough for it to accept. Each batch is encoded once, as its reply; one that comes out too large
   * is cut, the rest kept for the next pull (see `stream-batch.ts`). Items before an error from the
   * iterator come first; the error comes with a later pull. Only the connection that owns the
   * stream may pull from it.
   */
  get_next_stream_items(streamId: string, max: number, maxMessageSize = 0): StreamBatch | Promise<StreamBatch> {
    if (typeof streamId !== "string") throw new PyroError("item stream terminated");
    if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > MAX_STREAM_BATCH) {
      throw new PyroError(`get_next_stream_items: max must be an integer from 1 to ${MAX_STREAM_BATCH}`);
    }
    if (typeof maxMessageSize !== "number" || !Number.isInteger(maxMessageSize) || maxMessageSize < 0) {
      throw new PyroError("get_next_stream_items: maxMessageSize must be an integer of at least 0");
    }
    let budget = STREAM_BATCH_BYTES;
    for (const limit of [this.daemon.maxMessageSize, maxMessageSize]) if (limit > 0) budget = Math.min(budget, Math.floor(limit / 4));
    const serializer = activeSerializer();
    // A method that sets response annotations for an item gets one reply per item, as with the one-item call.
    const rules: BatchRules = {
      max,
      budgetBytes: budget,
      encode: serializer === undefined ? undefined : (batch) => encodeBatch(batch, serializer),
      endsAfterItem: activeResponseAnnotationsSet,
    };
    try {
      return this.daemon.streams.nextBatch(streamId, activeCaller() ?? this, rules);
    } catch (error) {
      // Thrown at once, a SerializeError would count as an unreadable request and close the
      // connection; an item that cannot be sent is this reply's failure only.
      if (error instanceof SerializeError) return Promise.reject(error);
      throw error;
    }
  }

  /** Closes a remote iterator the client no longer wants (called oneway). */
  @oneway
  close_stream(streamId: string): void {
    if (typeof streamId === "string") this.daemon.streams.close(streamId);
  }
}

/**
 * Encodes a batch as the reply it is (the reply then sends these bytes); returns its size. A lone
 * item that cannot be sent is refused as the one-item call refuses it, its path from `result`.
 */
function encodeBatch(batch: StreamBatch, serializer: Serializer): number {
  try {
    return encodeAhead(batch, serializer, "result");
  } catch (error) {
    if (batch[0].length === 1) serializer.encode(batch[0][0], 0, "result");
    throw error;
  }
}
