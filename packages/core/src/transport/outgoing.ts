/**
 * Building outgoing frames around a serializer's output. The serializer leaves room at the start
 * of its buffer, and the header and annotations are written into that room: a reply or a call
 * leaves as the very buffer the serializer produced, without copying the payload. A payload with
 * large binary values may come as parts instead; the frame is then a list of buffers (header
 * first) that the connection writes with one vectored write, the binaries never copied.
 */
import { MessageTooLargeError, ProtocolError } from "../errors.js";
import { Annotation, Flags } from "../protocol/constants.js";
import { HMAC_SIZE, type MessageSigning, computeHmac, sealedMac } from "../protocol/hmac.js";
import type { Annotations, Message } from "../protocol/message.js";
import { PYRO4_WIRE, type WireFormat, encodeWireMessage } from "../protocol/wire.js";
import { compressPayload, decompressPayload } from "../serializers/compression.js";
import { DEFAULT_DECODE_LIMITS, type DecodeLimits, type Serializer } from "../serializers/types.js";

/** Serializers can reserve at most 255 bytes in front of their output. */
const MAX_RESERVE = 255;
/** Bytes an HMAC annotation chunk takes: id, length, digest. */
const HMAC_CHUNK = 6 + HMAC_SIZE;

/** What goes in a frame's header besides the payload. */
export interface FrameFields {
  type: number;
  flags: number;
  seq: number;
  annotations?: Annotations | undefined;
  /** zlib-compress the payload when that makes it smaller (Pyro's `COMPRESSION`). */
  compress?: boolean;
  /** Sign the message (the `HMAC` annotation) this way. */
  signing?: MessageSigning | undefined;
  /**
   * With {@link signing}: leave the `HMAC` annotation empty (zeros) for the sender to fill with
   * `signFrame` once the frame's sequence number is final.
   */
  signLater?: boolean;
  /** The wire format (Pyro4's when absent). Pyro5 has no HMAC: `signing` must then be unset. */
  wire?: WireFormat | undefined;
}

/** A complete frame: one buffer, or several to be written in order. */
export type Frame = Buffer | Buffer[];

/** Where {@link encodeAhead} keeps a value's encoding for {@link valueFrame}. */
const ENCODED_AHEAD = Symbol("pyrots.encodedAhead");

interface EncodedAhead {
  readonly serializer: Serializer;
  /** The payload, with {@link MAX_RESERVE} spare bytes in front; or its parts. */
  readonly encoded: Buffer | Buffer[];
}

/**
 * Encodes `value` before its frame is built, for a reply that must know its size first (a batch of
 * remote iterator items), and keeps the encoding on `value` (a hidden property): `valueFrame` with
 * the same serializer then frames these bytes instead of encoding `value` again. Returns the
 * payload's size in bytes; throws what the serializer throws.
 */
export function encodeAhead(value: unknown[], serializer: Serializer, what: string): number {
  const encoded = serializer.encodeParts ? serializer.encodeParts(value, MAX_RESERVE, what) : serializer.encode(value, MAX_RESERVE, what);
  const ahead: EncodedAhead = { serializer, encoded };
  Object.defineProperty(value, ENCODED_AHEAD, { value: ahead, configurable: true });
  if (!Array.isArray(encoded)) return encoded.length - MAX_RESERVE;
  let size = 0;
  for (const part of encoded) size += part.length;
  return size;
}

/**
 * Encodes `value` with `serializer` into a complete frame; `what` names the value in a refusal
 * (`cannot send result.x: …`, see `Serializer.encode`).
 */
export function valueFrame(fields: FrameFields, serializer: Serializer, value: unknown, what?: string): Frame {
  const wire = wireOf(fields);
  const annLength = wire.annotationsSize(fields.annotations) + (fields.signing ? HMAC_CHUNK : 0);
  const reserve = wire.headerSize + annLength;
  const ahead = Array.isArray(value) ? (value as { [ENCODED_AHEAD]?: EncodedAhead })[ENCODED_AHEAD] : undefined;
  if (ahead !== undefined && ahead.serializer === serializer) return aheadFrame(fields, serializer.id, ahead.encoded, reserve, annLength);
  if (reserve > MAX_RESERVE) return copyFrame(fields, serializer.id, serializer.encode(value, 0, what));
  const encoded = serializer.encodeParts ? serializer.encodeParts(value, reserve, what) : serializer.encode(value, reserve, what);
  return Array.isArray(encoded) ? partsFrame(fields, serializer.id, encoded) : finishFrame(fields, serializer.id, encoded, reserve, annLength);
}

/** Encodes an INVOKE payload into a complete frame. */
export function callFrame(
  fields: FrameFields,
  serializer: Serializer,
  object: string,
  method: string,
  args: readonly unknown[],
  kwargs: Record<string, unknown> | null,
): Frame {
  const wire = wireOf(fields);
  const annLength = wire.annotationsSize(fields.annotations) + (fields.signing ? HMAC_CHUNK : 0);
  const reserve = wire.headerSize + annLength;
  if (reserve > MAX_RESERVE) return copyFrame(fields, serializer.id, serializer.encodeCall(object, method, args, kwargs));
  const encoded = serializer.encodeCallParts
    ? serializer.encodeCallParts(object, method, args, kwargs, reserve)
    : serializer.encodeCall(object, method, args, kwargs, reserve);
  return Array.isArray(encoded) ? partsFrame(fields, serializer.id, encoded) : finishFrame(fields, serializer.id, encoded, reserve, annLength);
}

/**
 * Throws MessageTooLargeError when `frame` is over `maxMessageSize` (annotations plus payload, as
 * the receiver counts; 0 = no limit): like Pyro4, an over-limit message is refused by its sender
 * instead of being sent to a peer that would drop the connection. `what` names it for the message;
 * `wire` is the frame's wire format (Pyro4's when absent).
 */
export function checkFrameSize(frame: Frame, maxMessageSize: number, what: string, wire: WireFormat = PYRO4_WIRE): void {
  if (maxMessageSize <= 0) return;
  let size = -wire.headerSize;
  if (Buffer.isBuffer(frame)) size += frame.length;
  else for (const part of frame) size += part.length;
  if (size > maxMessageSize) {
    throw new MessageTooLargeError(
      `max message size exceeded (${size} where max=${maxMessageSize}): ${what} was not sent; raise MAX_MESSAGE_SIZE (the option maxMessageSize) on both sides to allow it`,
    );
  }
}

/** A frame around an already encoded payload (handshake failures, pings). */
export function rawFrame(fields: FrameFields, serializerId: number, data: Uint8Array): Buffer {
  const message = { type: fields.type, flags: fields.flags, seq: fields.seq, serializerId, annotations: signed(fields, serializerId, data), data };
  return encodeWireMessage(wireOf(fields), message);
}

/** The frame's wire format; refuses signing on Pyro5, which has no HMAC annotation. */
function wireOf(fields: FrameFields): WireFormat {
  const wire = fields.wire;
  if (wire === undefined) return PYRO4_WIRE;
  if (fields.signing && wire !== PYRO4_WIRE)
    throw new ProtocolError(`${wire.name} messages cannot be signed with an HMAC key (only Pyro4's protocol has HMAC)`);
  return wire;
}

/** A frame around a payload in parts: a new header buffer, then the parts as they are. */
function partsFrame(fields: FrameFields, serializerId: number, parts: Buffer[]): Frame {
  if (fields.compress) return copyFrame(fields, serializerId, Buffer.concat(parts));
  let dataLength = 0;
  for (const part of parts) dataLength += part.length;
  const annotations = signed(fields, serializerId, parts);
  const wire = wireOf(fields);
  const annLength = wire.annotationsSize(annotations);
  const head = Buffer.allocUnsafe(wire.headerSize + annLength);
  wire.writeHead(head, fields.type, fields.flags, fields.seq, dataLength, serializerId, annotations, annLength);
  return [head, ...parts];
}

/** The annotations to send: the given ones, plus the `HMAC` one when signing (last, as Pyro4 puts it). */
function signed(fields: FrameFields, serializerId: number, data: Uint8Array | readonly Uint8Array[]): Annotations | undefined {
  const signing = fields.signing;
  if (!signing) return fields.annotations;
  const annotations: Annotations = new Map(fields.annotations);
  let mac: Uint8Array;
  if (fields.signLater) mac = Buffer.alloc(HMAC_SIZE);
  else if (signing.sealed) mac = sealedMac(signing.key, fields.type, fields.flags, fields.seq, serializerId, data, fields.annotations);
  else mac = computeHmac(signing.key, data, fields.annotations);
  annotations.set(Annotation.HMAC, mac);
  return annotations;
}

/**
 * The payload of a received message, inflated when it was sent compressed. `limits.maxBytes`
 * caps what inflating may produce (a small compressed payload can expand a thousandfold).
 */
export function payloadOf(message: Message, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Uint8Array {
  if ((message.flags & Flags.COMPRESSED) === 0) return message.data;
  return decompressPayload(message.data, limits.maxBytes);
}

function finishFrame(fields: FrameFields, serializerId: number, buffer: Buffer, reserve: number, annLength: number): Buffer {
  if (fields.compress) {
    const compressed = compressPayload(buffer.subarray(reserve));
    if (compressed) return rawFrame({ ...fields, flags: fields.flags | Flags.COMPRESSED }, serializerId, compressed);
  }
  const annotations = fields.signing ? signed(fields, serializerId, buffer.subarray(reserve)) : fields.annotations;
  (fields.wire ?? PYRO4_WIRE).writeHead(buffer, fields.type, fields.flags, fields.seq, buffer.length - reserve, serializerId, annotations, annLength);
  return buffer;
}

/** A frame around a payload {@link encodeAhead} made: its spare room holds the header when it is large enough. */
function aheadFrame(fields: FrameFields, serializerId: number, encoded: Buffer | Buffer[], reserve: number, annLength: number): Frame {
  if (Array.isArray(encoded)) return partsFrame(fields, serializerId, encoded);
  if (reserve > MAX_RESERVE) return copyFrame(fields, serializerId, encoded.subarray(MAX_RESERVE));
  return finishFrame(fields, serializerId, encoded.subarray(MAX_RESERVE - reserve), reserve, annLength);
}

function copyFrame(fields: FrameFields, serializerId: number, payload: Buffer): Buffer {
  const compressed = fields.compress ? compressPayload(payload) : undefined;
  if (compressed) return rawFrame({ ...fields, flags: fields.flags | Flags.COMPRESSED }, serializerId, compressed);
  return rawFrame(fields, serializerId, payload);
}
