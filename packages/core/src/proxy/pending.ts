/**
 * A call waiting for its reply. One small object per call and its promise: this is the client's
 * hot path.
 */
import { PyroError } from "../errors.js";
import type { Frame } from "../transport/outgoing.js";
import { Annotation, Flags } from "../protocol/constants.js";
import type { Message } from "../protocol/message.js";
import { markFromReply, markNotSent } from "./outcome.js";
import { RemoteStream, type StreamChannel, iterateCallResult } from "./stream.js";

/**
 * What a oneway call returns once its frame is queued on an open connection: one shared,
 * already resolved promise (oneway calls resolve with `null` as they leave). Sharing it saves a
 * call object, a promise and its microtasks per oneway call; it can be iterated like any call's
 * promise (and fails as a `null` result does).
 */
export const ONEWAY_SENT: Promise<unknown> = Object.assign(Promise.resolve(null), { [Symbol.asyncIterator]: iterateCallResult });

/** A call in flight. */
export class PendingCall {
  /** The encoded frame until it is handed to the connection. */
  frame: Frame | undefined;
  resolve!: (value: unknown) => void;
  reject!: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
  /** Called when the call settles, to drop listeners (abort signal) or count it done. */
  cleanup: (() => void) | undefined;
  /** Receives the reply's annotations, when the caller asked for them. */
  onAnnotations: ((annotations: ReadonlyMap<string, Uint8Array>) => void) | undefined;
  /** Where a remote iterator announced by the reply fetches its items. */
  streams: StreamChannel | undefined;
  /** The largest item batch the connection's daemon hands out (0: one item per call, as Pyro4). */
  streamBatch = 0;
  /** The sequence number its connection gave it when sending it (0 until then). */
  seq = 0;
  /** True while the call waits in its connection's queue for room in the daemon's window. */
  queued = false;
  /** Times the call was handed back unsent by a closing connection (see `Channel.onUnsent`). */
  requeued = 0;
  private settled = false;

  constructor(
    frame: Frame,
    readonly oneway: boolean,
    /** Method name, for error messages. */
    readonly method: string,
  ) {
    this.frame = frame;
  }

  /** A new promise settled by this call (make one per call). */
  promise(): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Settles from a RESULT message and its decoded payload. */
  settle(message: Message, value: unknown): void {
    if (this.onAnnotations && message.annotations) this.onAnnotations(message.annotations);
    if (message.flags & Flags.ITEMSTREAMRESULT) {
      const id = message.annotations?.get(Annotation.STRM);
      if (id && this.streams) {
        this.succeed(new RemoteStream(this.streams, Buffer.from(id).toString("latin1"), this.onAnnotations, this.streamBatch));
        return;
      }
    }
    if (message.flags & Flags.EXCEPTION) {
      // Whatever else the peer sent as an exception is not converted to text: it is data from the wire.
      const error = markFromReply(
        value instanceof Error ? value : new PyroError(`remote call ${this.method} failed with a non-exception value (${typeof value})`),
      );
      // A draining daemon refused the call unrun: another daemon may take it.
      if (message.annotations?.has(Annotation.DRAIN)) markNotSent(error);
      this.fail(error);
    } else {
      this.succeed(value);
    }
  }

  /** True once resolved or rejected. */
  get done(): boolean {
    return this.settled;
  }

  succeed(value: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.finish();
    this.resolve(value);
  }

  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.finish();
    this.reject(error);
  }

  private finish(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.cleanup?.();
  }
}
