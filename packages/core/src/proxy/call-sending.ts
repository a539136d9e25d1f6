/**
 * Sending one call on a chosen connection: its annotations and instrument, its frame, its
 * timeout and abort signal, and the promise its reply settles. The client's hot path.
 */
import { PyroError, TimeoutError } from "../errors.js";
import { Flags, MessageType } from "../protocol/constants.js";
import type { Serializer } from "../serializers/types.js";
import { type Frame, type FrameFields, callFrame, checkFrameSize } from "../transport/outgoing.js";
import { type CallWatch, startCalling, watchFailed, watchSucceeded } from "../instruments.js";
import type { WireFormat } from "../protocol/wire.js";
import type { URI } from "../uri.js";
import { performance } from "node:perf_hooks";
import { debugLog } from "../debug.js";
import { requestAnnotations, withAnnotations } from "./call-annotations.js";
import type { Channel } from "./channel.js";
import type { CallOptions } from "./options.js";
import { ONEWAY_SENT, PendingCall } from "./pending.js";
import type { ProxySettings } from "./settings.js";
import type { StreamChannel } from "./stream.js";

const log = debugLog("pyrots:proxy");

/** The proxy a {@link CallSender} sends for: where its remote iterators fetch items, and its URI for messages. */
export interface SendingProxy extends StreamChannel {
  /** The URI currently connected to, named in errors and traces. */
  readonly uri: URI;
  readonly settings: ProxySettings;
}

/** Sends one proxy's calls. */
export class CallSender {
  /** Reused for every INVOKE frame (framing is synchronous), saving an object per call. */
  private readonly fields: FrameFields;

  constructor(private readonly proxy: SendingProxy) {
    const settings = proxy.settings;
    // With a key, frames are signed by their channel as they leave (after their sequence number).
    this.fields = {
      type: MessageType.INVOKE,
      flags: 0,
      seq: 0,
      annotations: undefined,
      compress: settings.compress,
      signing: settings.signing,
      signLater: settings.signing !== undefined,
      wire: settings.protocol?.wire,
    };
  }

  /** Frames calls in `wire` from now on (the protocol a daemon answered in). */
  set wire(wire: WireFormat) {
    this.fields.wire = wire;
  }

  /** Encodes and submits a call. Throws (synchronously) when the call cannot be encoded. */
  send(
    channel: Channel,
    serializer: Serializer,
    objectId: string,
    method: string,
    args: unknown[],
    kwargs: Record<string, unknown> | null,
    flags: number,
    options: CallOptions | undefined,
  ): Promise<unknown> {
    const proxy = this.proxy;
    let annotations = options?.annotations === undefined && options?.correlationId === undefined ? undefined : requestAnnotations(options);
    const instrument = proxy.settings.instrument;
    let watch: CallWatch | undefined;
    if (instrument !== undefined && instrument.calling !== undefined) {
      watch = startCalling(instrument, { uri: proxy.uri, objectId, method, oneway: (flags & Flags.ONEWAY) !== 0 });
      if (watch?.annotations !== undefined) annotations = withAnnotations(annotations, watch.annotations);
    }
    const fields = this.fields;
    fields.flags = flags;
    fields.annotations = annotations;
    // The connection stamps the sequence number when the frame leaves (see Channel.transmit).
    let frame: Frame;
    try {
      frame = callFrame(fields, serializer, objectId, method, args, kwargs);
      checkFrameSize(frame, proxy.settings.maxMessageSize, `the call ${method}`, fields.wire);
    } catch (error) {
      if (watch !== undefined) watchFailed(watch, error);
      throw error;
    }
    const oneway = (flags & Flags.ONEWAY) !== 0;
    // A plain oneway call needs no call object: queued on an open connection, it is done.
    if (oneway && watch === undefined && options?.signal === undefined && !log.enabled && channel.sendOneway(frame)) return ONEWAY_SENT;
    const call = new PendingCall(frame, oneway, method);
    call.streams = proxy;
    call.streamBatch = channel.streamBatch;
    if (options?.onAnnotations) call.onAnnotations = options.onAnnotations;
    const promise = call.promise();
    if (watch !== undefined) followCall(promise, watch);
    const timeout = options?.timeout ?? proxy.settings.timeout;
    if (timeout > 0 && !call.oneway) {
      call.timer = setTimeout(() => {
        // Fail first: abandoning may close the connection, and the call must not see that as its cause.
        call.fail(new TimeoutError(`call ${method} to ${proxy.uri} timed out after ${timeout} s`));
        channel.abandon(call);
      }, timeout * 1000);
    }
    const signal = options?.signal;
    if (signal) {
      if (signal.aborted) {
        call.fail(abortError(signal, method));
        return promise;
      }
      const onAbort = () => {
        call.fail(abortError(signal, method));
        channel.abandon(call);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      call.cleanup = () => signal.removeEventListener("abort", onAbort);
    }
    channel.submit(call);
    if (log.enabled) this.trace(promise, objectId, method, flags);
    return promise;
  }

  /** DEBUG=pyrots:proxy: each call as it leaves, and its outcome with the time it took. */
  private trace(promise: Promise<unknown>, objectId: string, method: string, flags: number): void {
    const started = performance.now();
    const what = `${objectId}.${method}${flags & Flags.ONEWAY ? " (oneway)" : ""}${flags & Flags.BATCH ? " (batch)" : ""}`;
    log(`call ${what} -> ${this.proxy.uri}`);
    const took = () => `${(performance.now() - started).toFixed(1)} ms`;
    promise.then(
      () => log(`call ${what} ok in ${took()}`),
      (error: unknown) => log(`call ${what} failed in ${took()}: ${error instanceof Error ? `${error.name}: ${error.message}` : typeof error}`),
    );
  }
}

/** Tells `watch` how the call ends. */
function followCall(promise: Promise<unknown>, watch: CallWatch): void {
  promise.then(
    () => watchSucceeded(watch),
    (error: unknown) => watchFailed(watch, error),
  );
}

function abortError(signal: AbortSignal, method: string): Error {
  const reason = signal.reason;
  if (reason instanceof Error) return reason;
  return new PyroError(`call ${method} was aborted${reason !== undefined ? `: ${String(reason)}` : ""}`);
}
