/**
 * Building outgoing frames around a serializer's output. The serializer leaves room at the start
 * of its buffer, and the header and annotations are written into that room: a reply or a call
 * leaves as the very buffer the serializer produced, without copying the payload.
 */
import { inflateSync, deflateSync } from "node:zlib";
import { SerializeError } from "../errors.js";
import { Flags, HEADER_SIZE } from "../protocol/constants.js";
import { type Annotations, type Message, annotationsSize, encodeMessage, writeAnnotations, writeHeader } from "../protocol/message.js";
import type { Serializer } from "../serializers/types.js";

/** Serializers can reserve at most 255 bytes in front of their output. */
const MAX_RESERVE = 255;
/** Pyro4 compresses only payloads of at least this size. */
const COMPRESS_MIN_SIZE = 200;

/** What goes in a frame's header besides the payload. */
export interface FrameFields {
  type: number;
  flags: number;
  seq: number;
  annotations?: Annotations | undefined;
  /** zlib-compress the payload when that makes it smaller (Pyro's `COMPRESSION`). */
  compress?: boolean;
}

/** Encodes `value` with `serializer` into a complete frame. */
export function valueFrame(fields: FrameFields, serializer: Serializer, value: unknown): Buffer {
  const annLength = annotationsSize(fields.annotations);
  const reserve = HEADER_SIZE + annLength;
  if (reserve > MAX_RESERVE) return copyFrame(fields, serializer.id, serializer.encode(value));
  return finishFrame(fields, serializer.id, serializer.encode(value, reserve), reserve, annLength);
}

/** Encodes an INVOKE payload into a complete frame. */
export function callFrame(
  fields: FrameFields,
  serializer: Serializer,
  object: string,
  method: string,
  args: readonly unknown[],
  kwargs: Record<string, unknown> | null,
): Buffer {
  const annLength = annotationsSize(fields.annotations);
  const reserve = HEADER_SIZE + annLength;
  if (reserve > MAX_RESERVE) return copyFrame(fields, serializer.id, serializer.encodeCall(object, method, args, kwargs));
  return finishFrame(fields, serializer.id, serializer.encodeCall(object, method, args, kwargs, reserve), reserve, annLength);
}

/** A frame around an already encoded payload (handshake failures, pings). */
export function rawFrame(fields: FrameFields, serializerId: number, data: Uint8Array): Buffer {
  return encodeMessage({ type: fields.type, flags: fields.flags, seq: fields.seq, serializerId, annotations: fields.annotations, data });
}

/** The payload of a received message, inflated when it was sent compressed. */
export function payloadOf(message: Message): Uint8Array {
  if ((message.flags & Flags.COMPRESSED) === 0) return message.data;
  try {
    return inflateSync(message.data);
  } catch (error) {
    throw new SerializeError(`invalid compressed payload: ${(error as Error).message}`, { cause: error });
  }
}

function finishFrame(fields: FrameFields, serializerId: number, buffer: Buffer, reserve: number, annLength: number): Buffer {
  const dataLength = buffer.length - reserve;
  if (fields.compress && dataLength >= COMPRESS_MIN_SIZE) {
    const compressed = tryCompress(buffer.subarray(reserve));
    if (compressed) return rawFrame({ ...fields, flags: fields.flags | Flags.COMPRESSED }, serializerId, compressed);
  }
  writeHeader(buffer, 0, fields.type, fields.flags, fields.seq, dataLength, serializerId, annLength);
  if (fields.annotations) writeAnnotations(buffer, HEADER_SIZE, fields.annotations);
  return buffer;
}

function copyFrame(fields: FrameFields, serializerId: number, payload: Buffer): Buffer {
  if (fields.compress && payload.length >= COMPRESS_MIN_SIZE) {
    const compressed = tryCompress(payload);
    if (compressed) return rawFrame({ ...fields, flags: fields.flags | Flags.COMPRESSED }, serializerId, compressed);
  }
  return rawFrame(fields, serializerId, payload);
}

function tryCompress(payload: Uint8Array): Buffer | undefined {
  const compressed = deflateSync(payload);
  return compressed.length < payload.length ? compressed : undefined;
}
