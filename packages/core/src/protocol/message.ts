/**
 * Pure encoding and decoding of Pyro4 protocol 48 messages on Buffers; no I/O here.
 * The header layout is in `constants.ts`.
 */
import { ProtocolError } from "../errors.js";
import { CHECKSUM_MAGIC, HEADER_SIZE, MAGIC, MAX_ANNOTATIONS_LENGTH, MAX_DATA_LENGTH, PROTOCOL_VERSION } from "./constants.js";

/** Annotations of a message: 4-character ids to raw values. */
export type Annotations = Map<string, Uint8Array>;

/** The fixed header fields of a message. */
export interface Header {
  type: number;
  flags: number;
  seq: number;
  dataLength: number;
  serializerId: number;
  annotationsLength: number;
}

/**
 * A header as the readers return it: already shaped as the {@link Message} it becomes, its body
 * fields empty until {@link messageFromParts} fills them in place. One object per incoming
 * message instead of a header and a message: this runs for every call on both sides.
 */
export interface IncomingHeader extends Header, Message {}

/** The payload of an incoming header before its body is read. */
export const NO_DATA: Uint8Array = new Uint8Array(0);

/** A whole message as read from or written to the wire. */
export interface Message {
  type: number;
  flags: number;
  seq: number;
  serializerId: number;
  /** Absent when the message has no annotations (the common case; saves a Map per message). */
  annotations: Annotations | undefined;
  /** The payload, possibly still zlib-compressed (see `Flags.COMPRESSED`). */
  data: Uint8Array;
}

/** The header checksum as Pyro4 computes it. */
export function checksum(type: number, flags: number, seq: number, dataLength: number, serializerId: number, annotationsLength: number): number {
  return (type + PROTOCOL_VERSION + dataLength + annotationsLength + serializerId + flags + seq + CHECKSUM_MAGIC) & 0xffff;
}

/** Writes a 24-byte header at `offset` of `target`. */
export function writeHeader(
  target: Uint8Array,
  offset: number,
  type: number,
  flags: number,
  seq: number,
  dataLength: number,
  serializerId: number,
  annotationsLength: number,
): void {
  // Plain byte stores: this runs for every message, and Buffer's write methods validate each call.
  const sum = checksum(type, flags, seq, dataLength, serializerId, annotationsLength);
  target[offset] = 0x50; // "PYRO"
  target[offset + 1] = 0x59;
  target[offset + 2] = 0x52;
  target[offset + 3] = 0x4f;
  target[offset + 4] = PROTOCOL_VERSION >>> 8;
  target[offset + 5] = PROTOCOL_VERSION & 0xff;
  target[offset + 6] = type >>> 8;
  target[offset + 7] = type & 0xff;
  target[offset + 8] = flags >>> 8;
  target[offset + 9] = flags & 0xff;
  target[offset + 10] = seq >>> 8;
  target[offset + 11] = seq & 0xff;
  target[offset + 12] = dataLength >>> 24;
  target[offset + 13] = (dataLength >>> 16) & 0xff;
  target[offset + 14] = (dataLength >>> 8) & 0xff;
  target[offset + 15] = dataLength & 0xff;
  target[offset + 16] = serializerId >>> 8;
  target[offset + 17] = serializerId & 0xff;
  target[offset + 18] = annotationsLength >>> 8;
  target[offset + 19] = annotationsLength & 0xff;
  target[offset + 20] = 0;
  target[offset + 21] = 0;
  target[offset + 22] = sum >>> 8;
  target[offset + 23] = sum & 0xff;
}

/**
 * Rewrites the sequence number of an encoded header in place and adjusts its checksum, so that a
 * frame encoded early can take the number its connection assigns when it is sent (Pyro4's HMAC
 * covers annotations and payload, not the header).
 */
export function rewriteSeq(header: Uint8Array, seq: number): void {
  const old = (header[10] << 8) | header[11];
  const sum = (((header[22] << 8) | header[23]) - old + seq + 0x10000) & 0xffff;
  header[10] = seq >>> 8;
  header[11] = seq & 0xff;
  header[22] = sum >>> 8;
  header[23] = sum & 0xff;
}

/**
 * Reads and validates the header at `offset`. Throws {@link ProtocolError} with Pyro4's texts for
 * a wrong magic or version, or a checksum mismatch.
 */
export function readHeader(source: Uint8Array, offset = 0): IncomingHeader {
  const b = source;
  const magic = ((b[offset] << 24) | (b[offset + 1] << 16) | (b[offset + 2] << 8) | b[offset + 3]) >>> 0;
  if (magic !== MAGIC || ((b[offset + 4] << 8) | b[offset + 5]) !== PROTOCOL_VERSION) {
    throw new ProtocolError("invalid data or unsupported protocol version");
  }
  const type = (b[offset + 6] << 8) | b[offset + 7];
  const flags = (b[offset + 8] << 8) | b[offset + 9];
  const seq = (b[offset + 10] << 8) | b[offset + 11];
  const dataLength = (b[offset + 12] << 24) | (b[offset + 13] << 16) | (b[offset + 14] << 8) | b[offset + 15];
  const serializerId = (b[offset + 16] << 8) | b[offset + 17];
  const annotationsLength = (b[offset + 18] << 8) | b[offset + 19];
  const sum = (b[offset + 22] << 8) | b[offset + 23];
  if (sum !== checksum(type, flags, seq, dataLength, serializerId, annotationsLength)) {
    throw new ProtocolError("header checksum mismatch");
  }
  if (dataLength < 0) throw new ProtocolError(`invalid data length ${dataLength}`);
  // Every field of the message it becomes, so that filling the body in keeps the object's shape.
  return { type, flags, seq, serializerId, annotations: undefined, data: NO_DATA, dataLength, annotationsLength };
}

/** Total byte size of the annotation chunks for `annotations`. */
export function annotationsSize(annotations: Annotations | undefined): number {
  if (!annotations) return 0;
  let size = 0;
  for (const value of annotations.values()) size += 6 + value.byteLength;
  return size;
}

/** Writes annotation chunks at `offset`; returns the offset after them. Ids must be 4 ASCII chars. */
export function writeAnnotations(target: Buffer, offset: number, annotations: Annotations): number {
  for (const [id, value] of annotations) {
    if (id.length !== 4) throw new ProtocolError(`annotation id must be 4 characters: ${JSON.stringify(id)}`);
    if (value.byteLength > 0xffff) throw new ProtocolError(`annotation ${id} is too long (${value.byteLength} bytes)`);
    target.write(id, offset, 4, "latin1");
    target.writeUInt16BE(value.byteLength, offset + 4);
    target.set(value, offset + 6);
    offset += 6 + value.byteLength;
  }
  return offset;
}

/** Parses the annotation block `source[start, end)`. Values are views into `source`. */
export function readAnnotations(source: Buffer, start: number, end: number): Annotations {
  const annotations: Annotations = new Map();
  let offset = start;
  while (offset < end) {
    if (end - offset < 6) throw new ProtocolError("truncated annotation chunk");
    const id = source.toString("latin1", offset, offset + 4);
    const length = source.readUInt16BE(offset + 4);
    const valueStart = offset + 6;
    if (valueStart + length > end) throw new ProtocolError(`annotation ${JSON.stringify(id)} overruns the annotation block`);
    annotations.set(id, source.subarray(valueStart, valueStart + length));
    offset = valueStart + length;
  }
  return annotations;
}

/**
 * Encodes a whole message into one new Buffer. The hot paths in daemon and proxy build messages
 * in place around a serializer's output instead (see `transport/outgoing.ts`); this is for the
 * rest: handshakes, errors, tests.
 */
export function encodeMessage(message: Message): Buffer {
  const annLength = annotationsSize(message.annotations);
  if (annLength > MAX_ANNOTATIONS_LENGTH) throw new ProtocolError(`annotations too large (${annLength} bytes)`);
  if (message.data.byteLength > MAX_DATA_LENGTH) throw new ProtocolError(`payload too large (${message.data.byteLength} bytes)`);
  const out = Buffer.allocUnsafe(HEADER_SIZE + annLength + message.data.byteLength);
  writeHeader(out, 0, message.type, message.flags, message.seq, message.data.byteLength, message.serializerId, annLength);
  if (message.annotations) writeAnnotations(out, HEADER_SIZE, message.annotations);
  out.set(message.data, HEADER_SIZE + annLength);
  return out;
}

/** Decodes one complete message held in `source` (header, annotations and payload, nothing more). */
export function decodeMessage(source: Buffer): Message {
  if (source.length < HEADER_SIZE) throw new ProtocolError("message shorter than its header");
  const header = readHeader(source);
  const end = HEADER_SIZE + header.annotationsLength + header.dataLength;
  if (source.length !== end) throw new ProtocolError(`message length ${source.length} does not match its header (${end})`);
  return messageFromParts(header, source, HEADER_SIZE);
}

/**
 * The message of a parsed header, its body starting at `bodyStart` of `source`: the header object
 * itself, its annotations and payload filled in.
 */
export function messageFromParts(header: IncomingHeader, source: Buffer, bodyStart: number): Message {
  const dataStart = bodyStart + header.annotationsLength;
  if (header.annotationsLength > 0) header.annotations = readAnnotations(source, bodyStart, dataStart);
  header.data = source.subarray(dataStart, dataStart + header.dataLength);
  return header;
}
