/**
 * The proxy's side of a connection's handshake: what its CONNECT message carries, and what the
 * daemon's answer means (accepted with metadata and pyrots' announcements, refused, or answered
 * in the other protocol). Pure functions: the channel (channel.ts) does the sending and waiting.
 */
import { CommunicationError, ProtocolError, SerializeError } from "../errors.js";
import { Annotation, Flags, MAX_STREAM_BATCH, MessageType, SerializerId } from "../protocol/constants.js";
import type { MessageSigning } from "../protocol/hmac.js";
import type { Message } from "../protocol/message.js";
import { SEAL_KEY, newSealNonce, sealKeyFor, sealNonceIn } from "../protocol/seal.js";
import type { WireFormat } from "../protocol/wire.js";
import { decodeMarshalString } from "../serializers/marshal.js";
import { PYRO4, type PyroProtocol } from "../serializers/protocols.js";
import type { DecodeContext } from "../serializers/types.js";
import { payloadOf } from "../transport/outgoing.js";
import { type RemoteMetadata, metadataFrom } from "./metadata.js";
import { decodeReplyPayload } from "./reply-payload.js";
import type { ProxySettings } from "./settings.js";

/** Sequence numbers are 16 bits: at most this many calls can be told apart on one connection. */
const MAX_IN_FLIGHT = 0xffff;

/** A daemon refused the serializer of a connection's handshake; a proxy may try another one. */
export class SerializerRefusedError extends CommunicationError {
  constructor(
    message: string,
    /** The wire id the daemon refused. */
    readonly serializerId: number,
  ) {
    super(message);
  }
}

/** A daemon answered the handshake in another protocol than the one spoken to it. */
export class ProtocolMismatchError extends CommunicationError {
  constructor(
    message: string,
    /** The wire format the daemon answered in. */
    readonly answeredIn: WireFormat,
  ) {
    super(message);
  }
}

/** The CONNECT message of a handshake, before it is encoded. */
export interface ConnectRequest {
  flags: number;
  payload: Record<string, unknown>;
  /** The nonce offered for sealed signing (with an HMAC key), to be matched with the daemon's. */
  sealNonce: string | undefined;
}

/** The CONNECT message a proxy with `settings` sends for `objectId` in `protocol`. */
export function connectRequest(settings: ProxySettings, objectId: string, protocol: PyroProtocol): ConnectRequest {
  const pyro4 = protocol === PYRO4;
  // Pyro5 always sends the object id and always gets the metadata.
  const metadata = settings.config.metadata || !pyro4;
  const flags = metadata && pyro4 ? Flags.META_ON_CONNECT : 0;
  const payload: Record<string, unknown> = metadata ? { handshake: settings.handshake, object: objectId } : { handshake: settings.handshake };
  // With a key, offer a pyrots daemon to seal the messages (see protocol/seal.ts); Pyro4 ignores the offer.
  let sealNonce: string | undefined;
  if (settings.signing) payload[SEAL_KEY] = sealNonce = newSealNonce();
  return { flags, payload, sealNonce };
}

/** What reading a daemon's handshake answer needs. */
export interface HandshakeContext {
  /** The target, for error messages: usually the URI text. */
  what: string;
  /** The protocol spoken to the daemon. */
  protocol: PyroProtocol;
  decodeContext: DecodeContext;
  settings: ProxySettings;
  /** The nonce this side offered for sealed signing, if it did. */
  sealNonce: string | undefined;
}

/** A daemon's accepted handshake, as the channel applies it. */
export interface AcceptedHandshake {
  /** True when the daemon takes many requests at once on this connection (a pyrots daemon). */
  multiplex: boolean;
  /** How many requests may be in flight at once (the daemon's window). */
  window: number;
  /** The largest batch of remote iterator items the daemon hands out, or 0. */
  streamBatch: number;
  metadata: RemoteMetadata | undefined;
  /** The daemon's handshake response data. */
  response: unknown;
  annotations: ReadonlyMap<string, Uint8Array> | undefined;
  /** The sealed signing agreed with the daemon, if it took the offer. */
  sealedSigning: MessageSigning | undefined;
}

/**
 * Reads the daemon's answer to CONNECT, which came in `answeredIn`; throws the error the handshake
 * fails with when it was refused, answered in the other protocol, or not a handshake answer.
 */
export function readHandshakeReply(message: Message, answeredIn: WireFormat, context: HandshakeContext): AcceptedHandshake {
  const { what, protocol, decodeContext, settings } = context;
  if (answeredIn !== protocol.wire) throw protocolMismatch(answeredIn, message, context);
  if (message.type === MessageType.CONNECTFAIL) throw handshakeRejection(what, message, decodeContext, protocol);
  if (message.type !== MessageType.CONNECTOK) throw new ProtocolError(`expected a handshake reply from ${what}, got message type ${message.type}`);
  const data = decodeReplyPayload(message, decodeContext, protocol);
  const accepted: AcceptedHandshake = {
    multiplex: false,
    window: 1,
    streamBatch: 0,
    metadata: undefined,
    response: undefined,
    annotations: message.annotations,
    sealedSigning: undefined,
  };
  const multiplex = message.annotations?.get(Annotation.MULTIPLEX);
  if (multiplex !== undefined) {
    accepted.multiplex = true;
    const window = Number(Buffer.from(multiplex).toString("latin1"));
    accepted.window = Number.isInteger(window) && window > 0 ? Math.min(window, MAX_IN_FLIGHT) : window === 0 ? MAX_IN_FLIGHT : 1;
  }
  const streamBatch = message.annotations?.get(Annotation.STREAM_BATCH);
  if (streamBatch !== undefined) {
    const most = Number(Buffer.from(streamBatch).toString("latin1"));
    accepted.streamBatch = Number.isInteger(most) && most > 1 ? Math.min(most, MAX_STREAM_BATCH) : 0;
  }
  if (protocol !== PYRO4) {
    // Pyro5's CONNECTOK is always {handshake, meta}.
    const reply = (isRecord(data) ? data : {}) as { handshake?: unknown; meta?: unknown };
    accepted.response = reply.handshake;
    // With METADATA off the proxy does without, as with Pyro4 (the daemon sends it anyway).
    if (settings.config.metadata) accepted.metadata = metadataFrom(isRecord(reply.meta) ? reply.meta : undefined);
  } else if (message.flags & Flags.META_ON_CONNECT) {
    const reply = (isRecord(data) ? data : {}) as { handshake?: unknown; meta?: unknown };
    accepted.response = reply.handshake;
    // A daemon that answers a sealing offer sends the map even when no metadata was asked for.
    if (settings.config.metadata || isRecord(reply.meta)) accepted.metadata = metadataFrom(isRecord(reply.meta) ? reply.meta : undefined);
    const daemonNonce = context.sealNonce !== undefined ? sealNonceIn(reply) : undefined;
    if (daemonNonce !== undefined) {
      accepted.sealedSigning = Object.freeze({ key: sealKeyFor(settings.hmacKey!, context.sealNonce!, daemonNonce), sealed: true });
    }
  } else {
    accepted.response = data;
  }
  return accepted;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The error for a handshake answered in `answeredIn`, with the daemon's reason when it is text. */
function protocolMismatch(answeredIn: WireFormat, message: Message, context: HandshakeContext): ProtocolMismatchError {
  let reason = "";
  if (message.type === MessageType.CONNECTFAIL && message.serializerId === SerializerId.MARSHAL) {
    try {
      reason = `: "${decodeMarshalString(payloadOf(message, context.decodeContext.limits)).slice(0, 200)}"`;
    } catch {
      // an unreadable reason is left out
    }
  }
  const { protocol } = context;
  return new ProtocolMismatchError(
    `${context.what} answered in ${answeredIn.name}'s protocol (${answeredIn.version}) to ${protocol.name}'s (${protocol.wire.version})${reason}`,
    answeredIn,
  );
}

/** The error for a refused handshake (CONNECTFAIL), with the daemon's reason and what to do about it. */
function handshakeRejection(what: string, message: Message, context: DecodeContext, protocol: PyroProtocol): CommunicationError {
  let reason: string;
  try {
    const decoded = decodeReplyPayload(message, context, protocol);
    // Only text is shown: anything else from the peer is not ours to convert.
    reason = typeof decoded === "string" ? decoded : "(a reason that is not text)";
  } catch (error) {
    reason = error instanceof SerializeError ? "(unreadable reason)" : error instanceof Error ? error.message : "(unreadable reason)";
  }
  const refused = /serializer that is not accepted: (\d+)\b/.exec(reason);
  if (refused) {
    const hint =
      " — leave the proxy's serializer unset and pyrots picks one the daemon accepts, or choose one it accepts (Python Pyro4 daemons accept serpent and json by default)";
    return new SerializerRefusedError(`connection to ${what} rejected: ${reason}${hint}`, Number(refused[1]));
  }
  const unknown =
    reason === "unknown object"
      ? " — the daemon is running but serves no object with this id: check the object id in the URI (servers print their URIs; `pyro-nsc list` shows registered ones)"
      : "";
  return new CommunicationError(`connection to ${what} rejected: ${reason}${unknown}`);
}
