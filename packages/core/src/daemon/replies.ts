/**
 * Everything a daemon sends on one connection: handshake answers, results, exceptions, stream
 * announcements and pongs, with the annotations `annotations.ts` gives each. Results and
 * exceptions reuse one frame-fields object (framing is synchronous), so a reply costs no object
 * of its own. A result over `MAX_MESSAGE_SIZE` is not sent: the caller gets a
 * MessageTooLargeError instead (as from Pyro4).
 */
import { PyroError, ProtocolError, SerializeError, messageFromArgs } from "../errors.js";
import { Annotation, Flags, MessageType, SerializerId } from "../protocol/constants.js";
import type { MessageSigning } from "../protocol/hmac.js";
import type { Annotations, Message } from "../protocol/message.js";
import type { WireFormat } from "../protocol/wire.js";
import type { ExceptionDict } from "../serializers/classes.js";
import type { PyroDialect } from "../serializers/dialect.js";
import { encodeMarshalString } from "../serializers/marshal.js";
import { PYRO4, type PyroProtocol } from "../serializers/protocols.js";
import type { Serializer } from "../serializers/types.js";
import type { Connection } from "../transport/connection.js";
import { type Frame, type FrameFields, checkFrameSize, rawFrame, valueFrame } from "../transport/outgoing.js";
import { correlationOnly, failureAnnotations, resultAnnotations } from "./annotations.js";
import type { CallContext } from "./context.js";
import { DRAIN_ANNOTATIONS } from "./drain.js";
import type { DaemonSettings } from "./settings.js";

const PONG = Buffer.from("pong");

/** The sending side of a client connection. */
export class Replier {
  /** The header fields of results and exceptions, filled in for each reply. */
  private readonly fields: FrameFields;
  private signing: MessageSigning | undefined;
  /** Class names of exceptions sent: the client's Pyro version's. */
  private dialect: PyroDialect = PYRO4.dialect;

  constructor(
    private readonly connection: Connection,
    private readonly settings: DaemonSettings,
  ) {
    this.signing = settings.signing;
    this.fields = { type: MessageType.RESULT, flags: 0, seq: 0, annotations: undefined, compress: settings.compress, signing: this.signing, wire: undefined };
  }

  /** Signs every message from now on this way (a sealed session begins). */
  signWith(signing: MessageSigning | undefined): void {
    this.signing = signing;
    this.fields.signing = signing;
  }

  /** Speaks `protocol` (wire format and class names) from now on: the one the client's handshake used. */
  useProtocol(protocol: PyroProtocol): void {
    this.dialect = protocol.dialect;
    this.fields.wire = protocol.wire;
  }

  /**
   * Accepts a handshake; returns false when the answer (what `validateHandshake` returned) cannot
   * be sent, after refusing the handshake with the reason instead.
   */
  connectOk(message: Message, serializer: Serializer, flags: number, annotations: Annotations, payload: unknown): boolean {
    const fields = {
      type: MessageType.CONNECTOK,
      flags,
      seq: message.seq,
      annotations,
      compress: this.settings.compress,
      signing: this.signing,
      wire: this.wire,
    };
    let frame: Frame;
    try {
      frame = valueFrame(fields, serializer, payload, "handshake");
    } catch (error) {
      this.connectFail(message.seq, `the daemon's handshake answer cannot be sent: ${errorText(error)}`, serializer);
      return false;
    }
    this.connection.send(frame);
    return true;
  }

  /**
   * Refuses a handshake with `text` (marshal-encoded until a serializer is agreed, as Pyro4 does)
   * and hangs up. It goes in the client's wire format once its first header told which (Pyro4's
   * before that), unsigned to a Pyro5 client (Pyro5 has no HMAC).
   */
  connectFail(seq: number, text: string, serializer?: Serializer, annotations?: Annotations): void {
    const wire = this.wire;
    const fields = { type: MessageType.CONNECTFAIL, flags: 0, seq, annotations, signing: wire === PYRO4.wire ? this.signing : undefined, wire };
    const frame = serializer ? valueFrame(fields, serializer, text) : rawFrame(fields, SerializerId.MARSHAL, encodeMarshalString(text));
    this.connection.send(frame);
    this.connection.close();
  }

  /** The wire format of the connection (Pyro4's until the client's first header told). */
  private get wire(): WireFormat {
    return this.connection.wire ?? PYRO4.wire;
  }

  /** Answers a PING. */
  pong(message: Message): void {
    const fields = { type: MessageType.PING, flags: 0, seq: message.seq, annotations: correlationOnly(message), signing: this.signing, wire: this.wire };
    this.connection.send(rawFrame(fields, message.serializerId, PONG));
  }

  /**
   * Answers with the value a call returned. When the value cannot be sent (not serializable, too
   * large), the caller gets that error instead, and it is returned (the call's outcome).
   */
  result(message: Message, serializer: Serializer, value: unknown, context: CallContext | undefined): Error | undefined {
    if (this.connection.closed) return undefined;
    let frame: Frame;
    const fields = this.fields;
    fields.flags = message.flags & Flags.BATCH;
    fields.seq = message.seq;
    try {
      fields.annotations = resultAnnotations(message, context, this.settings.responseAnnotations);
      frame = valueFrame(fields, serializer, value, "result");
    } catch (error) {
      // The caller learns what could not be sent and where (`cannot send result.x: a function (…)`).
      const refusal = error instanceof SerializeError ? error : new SerializeError(`cannot send the result: ${errorText(error)}`, { cause: error });
      this.failure(message, serializer, refusal, false, context);
      return refusal;
    }
    try {
      checkFrameSize(frame, this.settings.maxMessageSize, "the result of the call", fields.wire);
    } catch (error) {
      this.failure(message, serializer, error, false, context);
      return error as Error;
    }
    this.connection.send(frame);
    return undefined;
  }

  /**
   * Announces a remote iterator: Pyro4's ITEMSTREAMRESULT reply with a decoy exception, and the
   * stream id (none when streaming is off, which tells the client so).
   */
  stream(message: Message, serializer: Serializer, streamId: string | undefined, context: CallContext | undefined): void {
    if (this.connection.closed) return;
    const stream: Annotations = new Map();
    if (streamId !== undefined) stream.set(Annotation.STRM, Buffer.from(streamId, "latin1"));
    const annotations = failureAnnotations(context, this.settings.responseAnnotations, stream);
    const decoy = this.dialect.exceptionDict(new ProtocolError("result of call is an iterator"), false);
    const flags = Flags.EXCEPTION | Flags.ITEMSTREAMRESULT;
    const fields = { type: MessageType.RESULT, flags, seq: message.seq, annotations, compress: this.settings.compress, signing: this.signing, wire: this.wire };
    this.connection.send(valueFrame(fields, serializer, decoy));
  }

  /** Refuses a call unrun because the daemon is draining: `error` with the `DRAN` annotation (see `drain.ts`). */
  notRun(message: Message, serializer: Serializer, error: Error): void {
    if (this.connection.closed) return;
    const fields = {
      type: MessageType.RESULT,
      flags: Flags.EXCEPTION,
      seq: message.seq,
      annotations: DRAIN_ANNOTATIONS,
      compress: false,
      signing: this.signing,
      wire: this.wire,
    };
    this.connection.send(valueFrame(fields, serializer, this.dialect.exceptionDict(error, false)));
  }

  /** An exception reply (with a traceback only when `sendTracebacks` is on); `thenClose` hangs up after it. */
  failure(message: Message, serializer: Serializer, error: unknown, thenClose: boolean, context: CallContext | undefined): void {
    if (this.connection.closed) return;
    let frame: Frame;
    const fields = this.fields;
    fields.flags = Flags.EXCEPTION;
    fields.seq = message.seq;
    // Like Pyro4, exception replies carry no correlation id; response annotations do go.
    fields.annotations = failureAnnotations(context, this.settings.responseAnnotations);
    try {
      frame = valueFrame(fields, serializer, this.dialect.exceptionDict(error, this.settings.sendTracebacks), "exception");
    } catch (serializeError) {
      fields.annotations = undefined;
      try {
        const partial = exceptionWithout(this.dialect, error, errorText(serializeError), this.settings.sendTracebacks);
        frame = valueFrame(fields, serializer, partial, "exception");
      } catch (again) {
        const fallback = new PyroError(wellFormed(`Error serializing exception: ${errorText(again)}`));
        frame = valueFrame(fields, serializer, this.dialect.exceptionDict(fallback, false));
      }
    }
    this.connection.send(frame);
    if (thenClose) this.connection.close();
  }
}

/**
 * The exception dict of `error` in `dialect` without what could not be sent: the same Python
 * class, its message with `reason` appended, no attributes. A caller still catches the error it
 * expects and reads why the rest is missing.
 */
function exceptionWithout(dialect: PyroDialect, error: unknown, reason: string, includeTraceback: boolean): ExceptionDict {
  const full = dialect.exceptionDict(error, includeTraceback);
  const message = messageFromArgs(full.args);
  const traceback = full.attributes._pyroTraceback;
  return {
    __class__: full.__class__,
    __exception__: true,
    args: [wellFormed(`${message}${message ? " " : ""}(pyrots could not send this exception whole: ${reason})`)],
    attributes: { _pyroTraceback: Array.isArray(traceback) ? traceback.map((line) => wellFormed(String(line))) : null },
  };
}

/** `text` with lone surrogates replaced (msgpack carries UTF-8 only), for messages of our own. */
function wellFormed(text: string): string {
  return (text as unknown as { toWellFormed(): string }).toWellFormed();
}

/** The message of an error, or the value as text. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
