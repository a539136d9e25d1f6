/**
 * One client connection on the daemon side: the handshake, then INVOKE and PING messages.
 *
 * Requests on one connection are handled independently: an async method that takes a while does
 * not hold up the next request, and each reply carries its request's sequence number. Pyro4
 * clients send one request at a time anyway; pyrots clients use this to multiplex.
 */
import { DaemonError, PyroError, SecurityError, SerializeError } from "../errors.js";
import { Annotation, Flags, MessageType, SerializerId } from "../protocol/constants.js";
import type { Annotations, Message } from "../protocol/message.js";
import { encodeMarshalString } from "../serializers/marshal.js";
import { ExceptionWrapper, exceptionToDict } from "../serializers/classes.js";
import type { Serializer } from "../serializers/types.js";
import { type Connection, type ConnectionHandler } from "../transport/connection.js";
import { payloadOf, rawFrame, valueFrame } from "../transport/outgoing.js";
import { resolveMember } from "../decorators.js";
import { callWithArguments } from "./arguments.js";
import type { ClientInfo } from "./options.js";
import type { RegisteredObject } from "./registry.js";

/** What a client connection needs from its daemon. */
export interface DaemonCore {
  readonly objects: ReadonlyMap<string, RegisteredObject>;
  /** Accepted serializers by wire id. */
  readonly serializers: ReadonlyMap<number, Serializer>;
  readonly compression: boolean;
  readonly sendTracebacks: boolean;
  validateHandshake(client: ClientInfo, data: unknown): unknown;
  /** Metadata of an object for the handshake; throws DaemonError for an unknown one. */
  metadataOf(objectId: unknown): { methods: string[]; oneway: string[]; attrs: string[] };
  /** Counts requests in flight so that shutdown can wait for them. */
  requestStarted(): void;
  requestFinished(): void;
  clientClosed(client: ClientConnection): void;
}

const MULTIPLEX_ANNOTATIONS: Annotations = new Map([[Annotation.MULTIPLEX, Buffer.from("1")]]);

/** Daemon side of one connection. */
export class ClientConnection implements ConnectionHandler {
  /** Instances of `session` mode objects that belong to this connection. */
  readonly sessions = new Map<RegisteredObject, object>();
  private handshakeDone = false;
  private connectObjectId: string | undefined;

  constructor(
    readonly connection: Connection,
    private readonly daemon: DaemonCore,
  ) {}

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
    // Before the handshake Pyro4 explains itself with a CONNECTFAIL; later it just hangs up.
    if (!this.handshakeDone) this.connectFail(0, error.message);
  }

  onClose(): void {
    this.sessions.clear();
    this.daemon.clientClosed(this);
  }

  private handshake(message: Message): void {
    if (message.type !== MessageType.CONNECT) {
      this.connectFail(message.seq, `invalid msg type ${message.type} received`);
      return;
    }
    const serializer = this.daemon.serializers.get(message.serializerId);
    if (!serializer) {
      this.connectFail(message.seq, `message used serializer that is not accepted: ${message.serializerId}`);
      return;
    }
    try {
      const data = serializer.decode(payloadOf(message));
      const request = isRecord(data) ? data : {};
      this.connectObjectId = typeof request.object === "string" ? request.object : undefined;
      const response = this.daemon.validateHandshake({ address: this.address, objectId: this.connectObjectId }, request.handshake);
      let flags = 0;
      let payload: unknown = response;
      if (message.flags & Flags.META_ON_CONNECT) {
        flags = Flags.META_ON_CONNECT;
        payload = { handshake: response, meta: this.daemon.metadataOf(request.object) };
      }
      const annotations = withCorrelation(message, MULTIPLEX_ANNOTATIONS);
      this.connection.send(valueFrame({ type: MessageType.CONNECTOK, flags, seq: message.seq, annotations, compress: this.daemon.compression }, serializer, payload));
      this.handshakeDone = true;
    } catch (error) {
      this.connectFail(message.seq, errorText(error), serializer);
    }
  }

  private connectFail(seq: number, text: string, serializer?: Serializer): void {
    const frame = serializer
      ? valueFrame({ type: MessageType.CONNECTFAIL, flags: 0, seq }, serializer, text)
      : rawFrame({ type: MessageType.CONNECTFAIL, flags: 0, seq }, SerializerId.MARSHAL, encodeMarshalString(text));
    this.connection.send(frame);
    this.connection.close();
  }

  private pong(message: Message): void {
    this.connection.send(rawFrame({ type: MessageType.PING, flags: 0, seq: message.seq, annotations: correlationOnly(message) }, message.serializerId, PONG));
  }

  private invoke(message: Message): void {
    const serializer = this.daemon.serializers.get(message.serializerId);
    const oneway = (message.flags & Flags.ONEWAY) !== 0;
    if (!serializer) {
      this.fail(message, this.daemon.serializers.values().next().value!, new SerializeError(`message used serializer that is not accepted: ${message.serializerId}`), true);
      return;
    }
    let result: unknown;
    this.daemon.requestStarted();
    try {
      const call = serializer.decodeCall(payloadOf(message));
      const entry = this.daemon.objects.get(call.object);
      if (entry === undefined) throw new DaemonError("unknown object");
      const instance = entry.instanceFor(this.sessions);
      const name = call.method;
      if (message.flags & Flags.BATCH) {
        result = this.runBatch(entry, instance, call.args);
      } else if (name === "__getattr__") {
        const attr = String(call.args[0]);
        resolveMember(entry.members, attr, "get");
        result = (instance as Record<string, unknown>)[attr];
      } else if (name === "__setattr__") {
        const attr = String(call.args[0]);
        resolveMember(entry.members, attr, "set");
        (instance as Record<string, unknown>)[attr] = call.args[1];
        result = null;
      } else {
        resolveMember(entry.members, name, "call");
        const fn = (instance as Record<string, unknown>)[name] as Function;
        result = callWithArguments(instance, name, fn, call.args, call.kwargs);
      }
    } catch (error) {
      this.daemon.requestFinished();
      if (!oneway) this.fail(message, serializer, error, error instanceof SerializeError || error instanceof SecurityError);
      else if (error instanceof SerializeError) this.connection.close();
      return;
    }
    if (oneway) {
      if (result instanceof Promise) result.then(this.finished, this.finished);
      else this.daemon.requestFinished();
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (value) => {
          this.daemon.requestFinished();
          this.reply(message, serializer, value);
        },
        (error) => {
          this.daemon.requestFinished();
          this.fail(message, serializer, error, false);
        },
      );
      return;
    }
    this.daemon.requestFinished();
    this.reply(message, serializer, result);
  }

  private readonly finished = (): void => this.daemon.requestFinished();

  private runBatch(entry: RegisteredObject, instance: object, calls: unknown[]): unknown[] {
    const results: unknown[] = [];
    for (const item of calls) {
      if (!Array.isArray(item) || typeof item[0] !== "string") throw new SerializeError("invalid batch call");
      const [name, args, kwargs] = item as [string, unknown[], Record<string, unknown> | null];
      resolveMember(entry.members, name, "call");
      try {
        const fn = (instance as Record<string, unknown>)[name] as Function;
        results.push(callWithArguments(instance, name, fn, Array.isArray(args) ? args : [], kwargs ?? null));
      } catch (error) {
        results.push(new ExceptionWrapper(error as Error));
        break;
      }
    }
    return results;
  }

  private reply(message: Message, serializer: Serializer, value: unknown): void {
    if (this.connection.closed) return;
    let frame: Buffer;
    try {
      frame = valueFrame(
        { type: MessageType.RESULT, flags: message.flags & Flags.BATCH, seq: message.seq, annotations: correlationOnly(message), compress: this.daemon.compression },
        serializer,
        value,
      );
    } catch (error) {
      this.fail(message, serializer, new SerializeError(`cannot serialize the result: ${errorText(error)}`, { cause: error }), false);
      return;
    }
    this.connection.send(frame);
  }

  private fail(message: Message, serializer: Serializer, error: unknown, thenClose: boolean): void {
    if (this.connection.closed) return;
    let frame: Buffer;
    const fields = { type: MessageType.RESULT, flags: Flags.EXCEPTION, seq: message.seq, compress: this.daemon.compression };
    try {
      frame = valueFrame(fields, serializer, exceptionToDict(error, this.daemon.sendTracebacks));
    } catch (serializeError) {
      const fallback = new PyroError(`Error serializing exception: ${errorText(serializeError)}`);
      frame = valueFrame(fields, serializer, exceptionToDict(fallback, false));
    }
    this.connection.send(frame);
    if (thenClose) this.connection.close();
  }
}

const PONG = Buffer.from("pong");

function withCorrelation(message: Message, extra: Annotations): Annotations {
  const corr = message.annotations?.get(Annotation.CORR);
  if (!corr) return extra;
  const annotations: Annotations = new Map(extra);
  annotations.set(Annotation.CORR, corr);
  return annotations;
}

/** Echoes the request's correlation id, if it had one; no annotations otherwise. */
function correlationOnly(message: Message): Annotations | undefined {
  const corr = message.annotations?.get(Annotation.CORR);
  return corr ? new Map([[Annotation.CORR, corr]]) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
