/**
 * One client connection on the daemon side: the handshake, then INVOKE and PING messages.
 *
 * Requests on one connection are handled independently: an async method that takes a while does
 * not hold up the next request, and each reply carries its request's sequence number. Pyro4
 * clients send one request at a time anyway; pyrots clients use this to multiplex.
 */
import type { TLSSocket } from "node:tls";
import { DaemonError, PyroError, ProtocolError, SecurityError, SerializeError } from "../errors.js";
import { Annotation, Flags, MessageType, SerializerId } from "../protocol/constants.js";
import type { Annotations, Message } from "../protocol/message.js";
import { encodeMarshalString } from "../serializers/marshal.js";
import { exceptionToDict } from "../serializers/classes.js";
import { type DecodeContext, HANDSHAKE_DECODE_LIMITS, type Serializer } from "../serializers/types.js";
import type { Connection, ConnectionHandler } from "../transport/connection.js";
import { type Frame, type FrameFields, checkFrameSize, payloadOf, rawFrame, valueFrame } from "../transport/outgoing.js";
import { resolveMember } from "../decorators.js";
import { callWithArguments } from "./arguments.js";
import { runBatch } from "./batch.js";
import { correlationOnly, failureAnnotations, handshakeAnnotations, resultAnnotations } from "./annotations.js";
import { type CallContext, type Closable, enterCall, leaveCall } from "./context.js";
import { reportCallbackError, reportOnewayError } from "./report.js";
import type { ClientInfo } from "./options.js";
import type { RegisteredObject } from "./registry.js";
import { isStreamable, type StreamRegistry } from "./streams.js";
import type { DaemonSettings } from "./settings.js";
import { debugLog } from "../debug.js";

const log = debugLog("pyrots:daemon");

/** What a client connection needs from its daemon. */
export interface DaemonCore {
  readonly settings: DaemonSettings;
  readonly objects: ReadonlyMap<string, RegisteredObject>;
  readonly streams: StreamRegistry;
  validateHandshake(client: ClientInfo, data: unknown): unknown;
  /** Metadata of an object for the handshake; throws DaemonError for an unknown one. */
  metadataOf(objectId: unknown): { methods: string[]; oneway: string[]; attrs: string[] };
  /** Counts requests in flight so that shutdown can wait for them. */
  requestStarted(): void;
  requestFinished(): void;
  clientClosed(client: ClientConnection): void;
  /** A client that completed its handshake is gone; its tracked resources are not closed yet. */
  clientDisconnecting(client: ClientConnection): void;
}

const PONG = Buffer.from("pong");

/** Decoding before the handshake: small limits, and proxy references stay data. */
const HANDSHAKE_CONTEXT: DecodeContext = Object.freeze({ limits: HANDSHAKE_DECODE_LIMITS });

/** Daemon side of one connection. */
export class ClientConnection implements ConnectionHandler {
  /** Instances of `session` mode objects that belong to this connection. */
  readonly sessions = new Map<RegisteredObject, object>();
  /** Resources tracked with `currentContext().trackResource`, closed with the connection. */
  readonly resources = new Set<Closable>();
  /** The call context's `client`: one object per connection, its address fixed at connect time. */
  readonly caller: { readonly address: string };
  private handshakeDone = false;
  private inFlight = 0;
  private handshakeTimer: NodeJS.Timeout | undefined;
  /** Reused for every RESULT frame (framing is synchronous), saving an object per reply. */
  private readonly resultFields: FrameFields;
  private readonly settings: DaemonSettings;
  /** How requests are decoded once the handshake is done (set by it). */
  private decodeContext: DecodeContext = HANDSHAKE_CONTEXT;

  /**
   * @param deniedReason when set, the client is refused at its handshake with this reason
   *   (e.g. the daemon is at its connection limit).
   * @param handshakeTimeout seconds the client has to complete its handshake; 0 = no limit.
   */
  constructor(
    readonly connection: Connection,
    private readonly daemon: DaemonCore,
    private readonly deniedReason?: string,
    handshakeTimeout = 0,
  ) {
    this.caller = Object.freeze({ address: connection.remoteAddress });
    this.settings = daemon.settings;
    this.resultFields = {
      type: MessageType.RESULT,
      flags: 0,
      seq: 0,
      annotations: undefined,
      compress: this.settings.compress,
      hmacKey: this.settings.hmacKey,
    };
    if (handshakeTimeout > 0) {
      this.handshakeTimer = setTimeout(() => {
        if (log.enabled) log(`${this.address}: no handshake within ${handshakeTimeout} s, closing`);
        this.connection.destroy();
      }, handshakeTimeout * 1000);
      this.handshakeTimer.unref();
    }
  }

  /** The connection has been idle for the idle timeout: close it unless calls are running. */
  idle(): void {
    if (this.inFlight > 0) return;
    if (log.enabled) log(`${this.address}: idle, closing`);
    this.connection.close();
  }

  /** The peer's address. */
  get address(): string {
    return this.connection.remoteAddress;
  }

  onMessage(message: Message): void {
    if (!this.handshakeDone) {
      this.handshake(message);
      return;
    }
    if (message.type === MessageType.INVOKE) this.invoke(message);
    else if (message.type === MessageType.PING) this.pong(message);
    else this.connection.close();
  }

  onProtocolError(error: PyroError): void {
    if (log.enabled) log(`${this.address}: protocol error: ${error.message}`);
    // Before the handshake Pyro4 explains itself with a CONNECTFAIL; later it just hangs up.
    if (!this.handshakeDone) this.connectFail(undefined, error.message);
  }

  onClose(): void {
    if (log.enabled) log(`${this.address}: disconnected`);
    clearTimeout(this.handshakeTimer);
    if (this.handshakeDone) this.daemon.clientDisconnecting(this);
    this.sessions.clear();
    this.daemon.streams.ownerGone(this);
    for (const resource of this.resources) {
      try {
        const closing = resource.close();
        if (closing instanceof Promise) closing.catch(() => undefined);
      } catch {
        // one failing resource must not keep the others open
      }
    }
    this.resources.clear();
    this.daemon.clientClosed(this);
  }

  private handshake(message: Message): void {
    if (message.type !== MessageType.CONNECT) {
      // Pyro4 rejects the type while still reading the message, before it knows the seq.
      this.connectFail(undefined, `invalid msg type ${message.type} received`);
      return;
    }
    if (this.deniedReason !== undefined) {
      this.connectFail(message, this.deniedReason);
      return;
    }
    const serializer = this.settings.accepted.get(message.serializerId);
    if (!serializer) {
      this.connectFail(message, `message used serializer that is not accepted: ${message.serializerId}`);
      return;
    }
    try {
      const data = serializer.decode(payloadOf(message, HANDSHAKE_DECODE_LIMITS.maxBytes), HANDSHAKE_CONTEXT);
      const request = isRecord(data) ? data : {};
      const objectId = typeof request.object === "string" ? request.object : undefined;
      const stream = this.connection.stream as Partial<TLSSocket>;
      const certificate = stream.encrypted && stream.getPeerCertificate ? stream.getPeerCertificate() : undefined;
      const response = this.daemon.validateHandshake({ address: this.address, objectId, certificate }, request.handshake);
      let flags = 0;
      let payload: unknown = response;
      if (message.flags & Flags.META_ON_CONNECT) {
        flags = Flags.META_ON_CONNECT;
        payload = { handshake: response, meta: this.daemon.metadataOf(request.object) };
      }
      // Announce that requests may overlap, and how many at once (the client queues the rest).
      const annotations = handshakeAnnotations(message, this.settings.responseAnnotations, Buffer.from(String(this.settings.maxInflight)));
      this.connection.send(
        valueFrame(
          { type: MessageType.CONNECTOK, flags, seq: message.seq, annotations, compress: this.settings.compress, hmacKey: this.settings.hmacKey },
          serializer,
          payload,
        ),
      );
      this.handshakeDone = true;
      this.decodeContext = this.requestContext(serializer);
      clearTimeout(this.handshakeTimer);
      if (log.enabled) log(`${this.address}: handshake ok for ${JSON.stringify(objectId)} (${serializer.name})`);
    } catch (error) {
      this.connectFail(message, errorText(error), serializer);
    }
  }

  /** The decode context for this client's requests: the daemon's limits, and its callback proxies. */
  private requestContext(serializer: Serializer): DecodeContext {
    const { reviveProxy: revive, classes, decodeLimits: limits } = this.settings;
    if (!revive) return { limits, classes };
    const socket = this.connection.stream as Partial<{ remoteAddress: string }>;
    const peer = { address: this.address, host: socket.remoteAddress, serializer };
    return { limits, classes, reviveProxy: (ref) => revive(ref, peer) };
  }

  private connectFail(message: Message | undefined, text: string, serializer?: Serializer): void {
    if (log.enabled) log(`${this.address}: handshake refused: ${text}`);
    let annotations: Annotations | undefined;
    try {
      annotations = message ? handshakeAnnotations(message, this.settings.responseAnnotations) : undefined;
    } catch {
      // the refusal itself matters more than the daemon's extras
    }
    const fields = { type: MessageType.CONNECTFAIL, flags: 0, seq: message?.seq ?? 0, annotations, hmacKey: this.settings.hmacKey };
    const frame = serializer ? valueFrame(fields, serializer, text) : rawFrame(fields, SerializerId.MARSHAL, encodeMarshalString(text));
    this.connection.send(frame);
    this.connection.close();
  }

  private pong(message: Message): void {
    this.connection.send(
      rawFrame(
        { type: MessageType.PING, flags: 0, seq: message.seq, annotations: correlationOnly(message), hmacKey: this.settings.hmacKey },
        message.serializerId,
        PONG,
      ),
    );
  }

  private invoke(message: Message): void {
    const serializer = this.settings.accepted.get(message.serializerId);
    if (!serializer) {
      // Answer in a serializer the client can read, then hang up as Pyro4 does.
      const fallback = this.settings.accepted.values().next().value!;
      this.fail(message, fallback, new SerializeError(`message used serializer that is not accepted: ${message.serializerId}`), true, undefined);
      return;
    }
    const oneway = (message.flags & Flags.ONEWAY) !== 0;
    // Over the window (a client that ignored it, or the rest of a chunk read before reading
    // paused): refuse calls with a clear error. Oneway calls cannot be told, so they still run.
    if (!oneway && this.settings.maxInflight > 0 && this.inFlight >= this.settings.maxInflight) {
      this.fail(
        message,
        serializer,
        new PyroError(`too many requests in flight on this connection (the limit is ${this.settings.maxInflight})`),
        false,
        undefined,
      );
      return;
    }
    let result: unknown;
    let entry: RegisteredObject | undefined;
    let name = "";
    let running = false;
    this.started();
    enterCall(this, message);
    try {
      const call = serializer.decodeCall(payloadOf(message, this.settings.decodeLimits.maxBytes), this.decodeContext);
      entry = this.daemon.objects.get(call.object);
      if (entry === undefined) throw new DaemonError("unknown object");
      const instance = entry.instanceFor(this.sessions);
      name = call.method;
      if (log.enabled) log(`${this.address}: call ${call.object}.${name} seq=${message.seq}${oneway ? " (oneway)" : ""}`);
      if (message.flags & Flags.BATCH) {
        result = runBatch(entry, instance, call.args);
      } else if (name === "__getattr__") {
        const attr = String(call.args[0]);
        resolveMember(entry.members, attr, "get", instance);
        result = (instance as Record<string, unknown>)[attr];
      } else if (name === "__setattr__") {
        const attr = String(call.args[0]);
        resolveMember(entry.members, attr, "set", instance);
        (instance as Record<string, unknown>)[attr] = call.args[1];
        result = null;
      } else {
        resolveMember(entry.members, name, "call", instance);
        running = true;
        result = callWithArguments(instance, name, (instance as Record<string, Function>)[name], call.args, call.kwargs);
      }
    } catch (error) {
      const context = leaveCall();
      this.finished();
      const fatal = error instanceof SerializeError || error instanceof SecurityError || error instanceof ProtocolError;
      const isCallback = entry?.members.callbacks.has(name) ?? false;
      if (isCallback) reportCallbackError(name, error);
      if (!oneway) {
        this.fail(message, serializer, error, fatal, context);
      } else {
        if (running && !isCallback) reportOnewayError(name, error);
        if (fatal) this.connection.close();
      }
      return;
    }
    const context = leaveCall();
    if (oneway) {
      if (result instanceof Promise) {
        result.then(this.finishedFn, (error: unknown) => {
          this.finished();
          reportOnewayError(name, error);
        });
      } else this.finished();
      return;
    }
    if (result instanceof Promise) {
      const isCallback = entry.members.callbacks.has(name);
      result.then(
        (value) => {
          this.finished();
          this.reply(message, serializer, value, context);
        },
        (error) => {
          this.finished();
          if (isCallback) reportCallbackError(name, error);
          this.fail(message, serializer, error, false, context);
        },
      );
      return;
    }
    this.finished();
    this.reply(message, serializer, result, context);
  }

  private started(): void {
    // At the window, stop reading: the peer waits (TCP backpressure) instead of being refused.
    // Requests already read in the same chunk still get the error reply below.
    if (++this.inFlight === this.settings.maxInflight) this.connection.pauseReading();
    this.daemon.requestStarted();
  }

  private finished(): void {
    if (this.inFlight-- === this.settings.maxInflight) this.connection.resumeReading();
    this.daemon.requestFinished();
  }

  private readonly finishedFn = (): void => this.finished();

  private reply(message: Message, serializer: Serializer, value: unknown, context: CallContext | undefined): void {
    if (this.connection.closed) return;
    if (isStreamable(value)) {
      this.replyStream(message, serializer, value, context);
      return;
    }
    let frame: Frame;
    const fields = this.resultFields;
    fields.flags = message.flags & Flags.BATCH;
    fields.seq = message.seq;
    try {
      fields.annotations = resultAnnotations(message, context, this.settings.responseAnnotations);
      frame = valueFrame(fields, serializer, value);
    } catch (error) {
      this.fail(message, serializer, new SerializeError(`cannot serialize the result: ${errorText(error)}`, { cause: error }), false, context);
      return;
    }
    try {
      checkFrameSize(frame, this.settings.maxMessageSize, "the result of the call");
    } catch (error) {
      this.fail(message, serializer, error, false, context);
      return;
    }
    this.connection.send(frame);
  }

  /** Announces a remote iterator: Pyro4's ITEMSTREAMRESULT reply with a decoy exception. */
  private replyStream(message: Message, serializer: Serializer, iterator: Iterator<unknown> | AsyncIterator<unknown>, context: CallContext | undefined): void {
    const stream: Annotations = new Map();
    if (this.settings.iterStreaming) stream.set(Annotation.STRM, Buffer.from(this.daemon.streams.open(iterator, this), "latin1"));
    const annotations = failureAnnotations(context, this.settings.responseAnnotations, stream);
    const decoy = exceptionToDict(new ProtocolError("result of call is an iterator"), false);
    const flags = Flags.EXCEPTION | Flags.ITEMSTREAMRESULT;
    this.connection.send(
      valueFrame(
        { type: MessageType.RESULT, flags, seq: message.seq, annotations, compress: this.settings.compress, hmacKey: this.settings.hmacKey },
        serializer,
        decoy,
      ),
    );
  }

  private fail(message: Message, serializer: Serializer, error: unknown, thenClose: boolean, context: CallContext | undefined): void {
    if (this.connection.closed) return;
    let frame: Frame;
    // Like Pyro4, exception replies carry no correlation id; user response annotations do go.
    const annotations = failureAnnotations(context, this.settings.responseAnnotations);
    const fields = {
      type: MessageType.RESULT,
      flags: Flags.EXCEPTION,
      seq: message.seq,
      annotations,
      compress: this.settings.compress,
      hmacKey: this.settings.hmacKey,
    };
    try {
      frame = valueFrame(fields, serializer, exceptionToDict(error, this.settings.sendTracebacks));
    } catch (serializeError) {
      const fallback = new PyroError(`Error serializing exception: ${errorText(serializeError)}`);
      frame = valueFrame(fields, serializer, exceptionToDict(fallback, false));
    }
    this.connection.send(frame);
    if (thenClose) this.connection.close();
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
