/**
 * One client connection on the daemon side: the handshake first (`handshake.ts`), then INVOKE
 * and PING messages. A call goes through the steps in `dispatch.ts`, runs with the connection's
 * state (`session.ts`), and is answered by `replies.ts`.
 *
 * Requests on one connection are handled independently: an async method that takes a while does
 * not hold up the next request, and each reply carries its request's sequence number. Pyro4
 * clients send one request at a time anyway; pyrots clients use this to multiplex.
 */
import { performance } from "node:perf_hooks";
import type { TLSSocket } from "node:tls";
import { debugLog } from "../debug.js";
import { type CallWatch, watchFailed, watchSucceeded } from "../instruments.js";
import { MessageTooLargeError, PyroError, ProtocolError, SecurityError, SerializeError } from "../errors.js";
import { DAEMON_OBJECT_ID, Flags, MessageType } from "../protocol/constants.js";
import type { Message } from "../protocol/message.js";
import { PYRO4, type PyroProtocol, protocolOfWire } from "../serializers/protocols.js";
import type { CallRequest, DecodeContext, Serializer } from "../serializers/types.js";
import type { Connection, ConnectionHandler } from "../transport/connection.js";
import type { Slot } from "./admission.js";
import { type CallContext, enterCall, leaveCall } from "./context.js";
import { decodeRequest, findObject, perform, reachedMethod } from "./dispatch.js";
import { type DrainState, drainRefusal } from "./drain.js";
import { failServed, watchServed } from "./observed.js";
import { answerHandshake, wireSerializerId } from "./handshake.js";
import type { ObjectRegistry, RegisteredObject } from "./registry.js";
import { Replier } from "./replies.js";
import { type PeerSource, RequestDecodeContext } from "./request-context.js";
import { ClientSession, type StampSource } from "./session.js";
import type { DaemonSettings } from "./settings.js";
import { isStreamable, type StreamRegistry } from "./streams.js";
import type { WorkCounter } from "./work.js";

const log = debugLog("pyrots:daemon");

/** What a client connection uses of its daemon: each part does one thing. */
export interface ClientServices {
  readonly settings: DaemonSettings;
  /** The objects served, by id. */
  readonly objects: ObjectRegistry;
  /** Open remote iterators. */
  readonly streams: StreamRegistry;
  /** Calls running in the daemon (for shutdown). */
  readonly work: WorkCounter;
  /** Stamps for idle marks (eviction order). */
  readonly stamps: StampSource;
  /** Whether the daemon is draining: new calls are then refused unrun (see `drain.ts`). */
  readonly drain: DrainState;
  /** Told once when a client connection is gone (the daemon stops counting it). */
  readonly clientClosed: (client: ClientConnection) => void;
}

/** Daemon side of one connection. */
export class ClientConnection implements ConnectionHandler, PeerSource {
  /** The connection's state: session instances, resources, calls running. */
  readonly session: ClientSession;
  private readonly replies: Replier;
  private readonly settings: DaemonSettings;
  private handshakeDone = false;
  /** How requests are decoded once the handshake is done (set by it). */
  private decodeContext: DecodeContext | undefined;
  /** The serializers this client may use: Pyro4's or Pyro5's class names, as its handshake spoke (set by it). */
  private accepted: ReadonlyMap<number, Serializer>;
  /** The protocol the client speaks (set by the handshake). */
  private protocol: PyroProtocol = PYRO4;

  /**
   * @param slot the accepted socket's slot: its handshake clock runs from the TCP accept.
   * @param deniedReason when set, the client is refused at its handshake with this reason
   *   (e.g. no connection slot was free).
   */
  constructor(
    readonly connection: Connection,
    private readonly services: ClientServices,
    private readonly slot: Slot,
    private readonly deniedReason?: string,
  ) {
    this.settings = services.settings;
    this.session = new ClientSession(connection, this.settings.maxInflight, services.work, services.stamps);
    this.replies = new Replier(connection, this.settings);
    this.accepted = this.settings.accepted;
  }

  /** The peer's address. */
  get address(): string {
    return this.connection.remoteAddress;
  }

  /** The peer's IP address; undefined over a Unix socket. */
  get host(): string | undefined {
    return (this.connection.stream as Partial<{ remoteAddress: string }>).remoteAddress;
  }

  /** The connection has been idle for the idle timeout: close it unless calls are running. */
  idle(): void {
    if (this.session.inFlight > 0) return;
    if (log.enabled) log(`${this.address}: idle, closing`);
    this.connection.close();
  }

  onMessage(message: Message): void {
    if (!this.handshakeDone) this.handshake(message);
    else if (message.type === MessageType.INVOKE) this.invoke(message);
    else if (message.type === MessageType.PING) this.replies.pong(message);
    else this.connection.close();
  }

  onProtocolError(error: PyroError): void {
    if (log.enabled) log(`${this.address}: protocol error: ${error.message}`);
    if (this.handshakeDone) return;
    // Before the handshake Pyro4 explains itself with a CONNECTFAIL; later it just hangs up.
    const text = error instanceof MessageTooLargeError ? `${error.message} (the limit before the handshake)` : error.message;
    this.replies.connectFail(0, text);
  }

  onClose(): void {
    if (log.enabled) log(`${this.address}: disconnected`);
    this.services.clientClosed(this);
    this.session.end(this.handshakeDone ? this.settings.onClientDisconnect : undefined);
    this.services.streams.ownerGone(this.session);
  }

  private handshake(message: Message): void {
    const stream = this.connection.stream as Partial<TLSSocket>;
    const certificate = stream.encrypted && stream.getPeerCertificate ? stream.getPeerCertificate() : undefined;
    // The reader told the wire format from this first message's header; it holds for the connection.
    const protocol: PyroProtocol = protocolOfWire(this.connection.wire!);
    const answer = answerHandshake(message, { address: this.address, certificate }, this.settings, this.services.objects, this.deniedReason, protocol);
    if (!answer.ok) {
      if (log.enabled) log(`${this.address}: handshake refused: ${answer.text}`);
      this.replies.connectFail(answer.seq, answer.text, answer.serializer, answer.annotations);
      return;
    }
    if (protocol !== PYRO4) {
      this.protocol = protocol;
      this.accepted = this.settings.acceptedPyro5;
      this.replies.useProtocol(protocol);
    }
    if (!this.replies.connectOk(message, answer.serializer, answer.flags, answer.annotations, answer.payload)) return;
    this.handshakeDone = true;
    this.session.accepted = this.accepted;
    this.decodeContext = this.requestContext(answer.serializer);
    this.connection.messageLimit = this.settings.maxMessageSize;
    if (answer.sealing) {
      this.connection.signWith(answer.sealing);
      this.replies.signWith(answer.sealing);
    }
    this.slot.handshakeDone();
    this.session.touched();
    if (log.enabled) {
      const details = `${answer.serializer.name}${answer.sealing ? ", sealed" : ""}${protocol !== PYRO4 ? `, ${protocol.name} protocol ${protocol.wire.version}` : ""}`;
      log(`${this.address}: handshake ok for ${JSON.stringify(answer.objectId)} (${details})`);
    }
  }

  /** The decode context for this client's requests: the daemon's limits, and its callback proxies. */
  private requestContext(serializer: Serializer): DecodeContext {
    const { reviveProxy: revive, classes, decodeLimits: limits } = this.settings;
    if (!revive) return { limits, classes };
    return new RequestDecodeContext(limits, classes, revive, this, serializer);
  }

  private invoke(message: Message): void {
    const settings = this.settings;
    const serializer = this.accepted.get(message.serializerId);
    if (!serializer) {
      // Answer in a serializer the client can read, then hang up as Pyro4 does.
      const fallback = this.accepted.values().next().value!;
      this.replies.failure(
        message,
        fallback,
        new SerializeError(`message used serializer that is not accepted: ${wireSerializerId(message.serializerId, this.protocol)}`),
        true,
        undefined,
      );
      return;
    }
    const oneway = (message.flags & Flags.ONEWAY) !== 0;
    const session = this.session;
    // Over the window (a client that ignored it, or the rest of a chunk read before reading
    // paused): refuse calls with a clear error. Oneway calls cannot be told, so they still run.
    if (!oneway && session.full) {
      const error = new PyroError(`too many requests in flight on this connection (the limit is ${settings.maxInflight})`);
      this.replies.failure(message, serializer, error, false, undefined);
      return;
    }
    let result: unknown;
    let entry: RegisteredObject | undefined;
    let name = "";
    const started = log.enabled ? performance.now() : 0;
    const instrument = settings.instrument;
    let watch: CallWatch | undefined;
    session.started();
    enterCall(session, message);
    try {
      const call = decodeRequest(message, serializer, this.decodeContext!);
      entry = findObject(this.services.objects.byId, call.object);
      name = call.method;
      if (this.services.drain.draining && !oneway && entry.id !== DAEMON_OBJECT_ID) {
        this.services.drain.lastArrival = performance.now();
        leaveCall();
        session.finished();
        this.replies.notRun(message, serializer, drainRefusal());
        return;
      }
      if (log.enabled) log(`${this.address}: call ${call.object}.${name} seq=${message.seq}${oneway ? " (oneway)" : ""}`);
      const instance = entry.instanceFor(session);
      if (instrument !== undefined) watch = watchServed(instrument, entry, name, message);
      result = watch?.run === undefined ? perform(entry, instance, call, message.flags, settings) : this.performWatched(watch, entry, instance, call, message);
      if (log.enabled) this.traceOutcome(`${call.object}.${name} seq=${message.seq}`, result, started);
    } catch (error) {
      if (log.enabled) this.traceOutcome(`${entry?.id ?? "?"}.${name} seq=${message.seq}`, Promise.reject(error), started);
      const context = leaveCall();
      session.finished();
      if (instrument !== undefined) failServed(instrument, watch, entry, name, message, error);
      const fatal = error instanceof SerializeError || error instanceof SecurityError || error instanceof ProtocolError;
      const isCallback = entry?.members.callbacks.has(name) ?? false;
      if (isCallback) this.settings.reportCallbackError(name, error);
      if (!oneway) {
        this.replies.failure(message, serializer, error, fatal, context);
        return;
      }
      // No caller hears of a oneway method's error: the daemon reports it (a @callback's already is).
      if (!isCallback && reachedMethod(entry, name, message.flags)) settings.reportOnewayError(name, error);
      if (fatal) this.connection.close();
      return;
    }
    const context = leaveCall();
    if (oneway) {
      if (result instanceof Promise) this.settleOneway(result, entry, name, watch);
      else {
        session.finished();
        if (watch !== undefined) watchSucceeded(watch);
      }
      return;
    }
    if (result instanceof Promise) {
      const isCallback = entry.members.callbacks.has(name);
      result.then(
        (value) => {
          session.finished();
          const refused = this.respond(message, serializer, value, context);
          if (watch !== undefined) settleWatch(watch, refused);
        },
        (error) => {
          session.finished();
          if (watch !== undefined) watchFailed(watch, error);
          if (isCallback) this.settings.reportCallbackError(name, error);
          this.replies.failure(message, serializer, error, false, context);
        },
      );
      return;
    }
    session.finished();
    const refused = this.respond(message, serializer, result, context);
    if (watch !== undefined) settleWatch(watch, refused);
  }

  /** Runs the method inside its watch (a tracer's span is then the active one). */
  private performWatched(watch: CallWatch, entry: RegisteredObject, instance: object, call: CallRequest, message: Message): unknown {
    return watch.run!(() => perform(entry, instance, call, message.flags, this.settings));
  }

  /**
   * A oneway method's promise settled: nobody waits for it, so its failure is reported here (a
   * `@callback`'s as a callback error, like its synchronous failures).
   */
  private settleOneway(result: Promise<unknown>, entry: RegisteredObject, name: string, watch: CallWatch | undefined): void {
    const session = this.session;
    result.then(
      watch === undefined
        ? session.finishedFn
        : () => {
            session.finished();
            watchSucceeded(watch);
          },
      (error: unknown) => {
        session.finished();
        if (watch !== undefined) watchFailed(watch, error);
        if (entry.members.callbacks.has(name)) this.settings.reportCallbackError(name, error);
        else this.settings.reportOnewayError(name, error);
      },
    );
  }

  /** DEBUG=pyrots:daemon: how a call ended (ok, or the error) and how long it ran. */
  private traceOutcome(what: string, result: unknown, started: number): void {
    const took = () => `${(performance.now() - started).toFixed(1)} ms`;
    Promise.resolve(result).then(
      () => log(`${this.address}: call ${what} ok in ${took()}`),
      (error: unknown) =>
        log(`${this.address}: call ${what} failed in ${took()}: ${error instanceof Error ? `${error.name}: ${error.message}` : typeof error}`),
    );
  }

  /**
   * Answers with a value, or announces a remote iterator for an iterator. Returns the error the
   * caller got instead when the answer could not be given (the value could not be sent, no room
   * for another stream).
   */
  private respond(message: Message, serializer: Serializer, value: unknown, context: CallContext | undefined): Error | undefined {
    if (!isStreamable(value)) return this.replies.result(message, serializer, value, context);
    if (this.connection.closed) return undefined;
    let streamId: string | undefined;
    if (this.settings.iterStreaming) {
      try {
        streamId = this.services.streams.open(value, this.session);
      } catch (error) {
        this.replies.failure(message, serializer, error, false, context);
        return error as Error;
      }
    }
    this.replies.stream(message, serializer, streamId, context);
    return undefined;
  }
}

/** A call whose method returned ends as a success, unless its answer could not be given (`refused`). */
function settleWatch(watch: CallWatch, refused: Error | undefined): void {
  if (refused === undefined) watchSucceeded(watch);
  else watchFailed(watch, refused);
}
