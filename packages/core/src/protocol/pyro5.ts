/**
 * Pyro5 wire protocol 502: the numbers, and its header and annotation chunks on Buffers.
 *
 * Header, 40 bytes, big-endian (`!4sHBBHHII16sHH`):
 *
 * | offset | size | field                                                        |
 * | -----: | ---: | ------------------------------------------------------------ |
 * |      0 |    4 | magic `PYRO`                                                 |
 * |      4 |    2 | protocol version, 502 (where Pyro4 has its 48)               |
 * |      6 |    1 | message type (the same numbers as Pyro4)                     |
 * |      7 |    1 | serializer id (Pyro5's numbers, see {@link Pyro5SerializerId}) |
 * |      8 |    2 | flags (Pyro5's bits, see {@link Pyro5Flags})                 |
 * |     10 |    2 | sequence number                                              |
 * |     12 |    4 | payload length (unsigned)                                    |
 * |     16 |    4 | annotations length (sum of 8 + value length per chunk)       |
 * |     20 |   16 | correlation id (a UUID's bytes; zeros unless flag `CORR_ID`)  |
 * |     36 |    2 | reserved, 0                                                  |
 * |     38 |    2 | magic number 0x4dc5 (there is no checksum)                   |
 *
 * Then the annotation chunks (4 ASCII id bytes, **u32** length, value), then the payload.
 *
 * Inside pyrots a message always carries Pyro4's flag bits and serializer ids, and a correlation
 * id as Pyro4's `CORR` annotation: this module translates at the header, so everything above the
 * framing handles both protocols alike.
 */
import { ProtocolError } from "../errors.js";
import { Annotation, Flags, MAGIC, SerializerId } from "./constants.js";
import { type Annotations, type IncomingHeader, type Message, NO_DATA } from "./message.js";

/** Pyro5's protocol version. */
export const PYRO5_VERSION = 502;
/** Size of Pyro5's message header in bytes. */
export const PYRO5_HEADER_SIZE = 40;
/** The two bytes that end a Pyro5 header. */
export const PYRO5_MAGIC = 0x4dc5;
/** Bytes before each annotation value: 4-letter id and a u32 length. */
export const PYRO5_CHUNK_OVERHEAD = 8;
/** Size of the correlation id in the header. */
export const CORRELATION_ID_SIZE = 16;

/** Pyro5's flag bits (`Pyro5.protocol.FLAGS_*`). */
export const Pyro5Flags = {
  EXCEPTION: 0x01,
  COMPRESSED: 0x02,
  ONEWAY: 0x04,
  BATCH: 0x08,
  ITEMSTREAMRESULT: 0x10,
  KEEPSERIALIZED: 0x20,
  CORR_ID: 0x40,
} as const;

/** Pyro5's serializer ids (they differ from Pyro4's for all but serpent). */
export const Pyro5SerializerId = {
  SERPENT: 1,
  MARSHAL: 2,
  JSON: 3,
  MSGPACK: 4,
} as const;

/**
 * A Pyro5 serializer id that has no Pyro4 counterpart is kept as this base plus the id, so that
 * it stays unknown (no pyrots serializer has such an id) and goes back out unchanged.
 */
const FOREIGN_ID_BASE = 0x100;

/** Pyro5 serializer id → pyrots' (Pyro4's) id. */
export function serializerIdFromPyro5(id: number): number {
  switch (id) {
    case Pyro5SerializerId.SERPENT:
      return SerializerId.SERPENT;
    case Pyro5SerializerId.MARSHAL:
      return SerializerId.MARSHAL;
    case Pyro5SerializerId.JSON:
      return SerializerId.JSON;
    case Pyro5SerializerId.MSGPACK:
      return SerializerId.MSGPACK;
    default:
      return FOREIGN_ID_BASE + id;
  }
}

/** pyrots' (Pyro4's) serializer id → Pyro5's; ids Pyro5 lacks (pickle, dill, ...) become 0, which no Pyro5 peer knows. */
export function serializerIdToPyro5(id: number): number {
  switch (id) {
    case SerializerId.SERPENT:
      return Pyro5SerializerId.SERPENT;
    case SerializerId.MARSHAL:
      return Pyro5SerializerId.MARSHAL;
    case SerializerId.JSON:
      return Pyro5SerializerId.JSON;
    case SerializerId.MSGPACK:
      return Pyro5SerializerId.MSGPACK;
    default:
      return id >= FOREIGN_ID_BASE && id < FOREIGN_ID_BASE + 0x100 ? id - FOREIGN_ID_BASE : 0;
  }
}

/** Bits that mean the same in both protocols. */
const SHARED_FLAGS = Flags.EXCEPTION | Flags.COMPRESSED | Flags.ONEWAY | Flags.BATCH;

/** Pyro5 flags → Pyro4 flags (`CORR_ID` is consumed by the reader: the id becomes a `CORR` annotation). */
export function flagsFromPyro5(flags: number): number {
  let out = flags & SHARED_FLAGS;
  if (flags & Pyro5Flags.ITEMSTREAMRESULT) out |= Flags.ITEMSTREAMRESULT;
  if (flags & Pyro5Flags.KEEPSERIALIZED) out |= Flags.KEEPSERIALIZED;
  return out;
}

/** Pyro4 flags → Pyro5 flags (`META_ON_CONNECT` has no Pyro5 bit: Pyro5 always sends metadata). */
export function flagsToPyro5(flags: number, hasCorrelationId: boolean): number {
  let out = flags & SHARED_FLAGS;
  if (flags & Flags.ITEMSTREAMRESULT) out |= Pyro5Flags.ITEMSTREAMRESULT;
  if (flags & Flags.KEEPSERIALIZED) out |= Pyro5Flags.KEEPSERIALIZED;
  if (hasCorrelationId) out |= Pyro5Flags.CORR_ID;
  return out;
}

/** A parsed Pyro5 header: the common fields (translated), and the correlation id when flagged. */
export interface Pyro5Header extends IncomingHeader {
  /** The 16-byte correlation id, when the `CORR_ID` flag was set. */
  correlationId: Uint8Array | undefined;
}

/**
 * Reads and validates a Pyro5 header at `offset`: magic, version and the trailing magic number
 * (with Pyro5's texts). Flags and serializer id come out in Pyro4's numbering.
 */
export function readPyro5Header(b: Uint8Array, offset = 0): Pyro5Header {
  const magic = ((b[offset] << 24) | (b[offset + 1] << 16) | (b[offset + 2] << 8) | b[offset + 3]) >>> 0;
  if (magic !== MAGIC) throw new ProtocolError("invalid data");
  const version = (b[offset + 4] << 8) | b[offset + 5];
  if (version !== PYRO5_VERSION) throw new ProtocolError(`invalid protocol version: ${version}`);
  if (((b[offset + 38] << 8) | b[offset + 39]) !== PYRO5_MAGIC) throw new ProtocolError("invalid magic number");
  const wireFlags = (b[offset + 8] << 8) | b[offset + 9];
  const dataLength = ((b[offset + 12] << 24) | (b[offset + 13] << 16) | (b[offset + 14] << 8) | b[offset + 15]) >>> 0;
  const annotationsLength = ((b[offset + 16] << 24) | (b[offset + 17] << 16) | (b[offset + 18] << 8) | b[offset + 19]) >>> 0;
  const correlationId = wireFlags & Pyro5Flags.CORR_ID ? Buffer.from(b.subarray(offset + 20, offset + 20 + CORRELATION_ID_SIZE)) : undefined;
  // Shaped as the message it becomes (see IncomingHeader).
  return {
    type: b[offset + 6],
    flags: flagsFromPyro5(wireFlags),
    seq: (b[offset + 10] << 8) | b[offset + 11],
    serializerId: serializerIdFromPyro5(b[offset + 7]),
    annotations: undefined,
    data: NO_DATA,
    dataLength,
    annotationsLength,
    correlationId,
  };
}

/**
 * Writes a 40-byte Pyro5 header at `offset`. `flags` and `serializerId` are Pyro4's numbers;
 * `correlationId` (16 bytes) sets the `CORR_ID` flag.
 */
export function writePyro5Header(
  target: Uint8Array,
  offset: number,
  type: number,
  flags: number,
  seq: number,
  dataLength: number,
  serializerId: number,
  annotationsLength: number,
  correlationId: Uint8Array | undefined,
): void {
  if (type > 0xff) throw new ProtocolError(`message type ${type} does not fit a Pyro5 header`);
  if (correlationId !== undefined && correlationId.byteLength !== CORRELATION_ID_SIZE) {
    throw new ProtocolError(`a Pyro5 correlation id is 16 bytes, got ${correlationId.byteLength}`);
  }
  const wireFlags = flagsToPyro5(flags, correlationId !== undefined);
  target[offset] = 0x50; // "PYRO"
  target[offset + 1] = 0x59;
  target[offset + 2] = 0x52;
  target[offset + 3] = 0x4f;
  target[offset + 4] = PYRO5_VERSION >>> 8;
  target[offset + 5] = PYRO5_VERSION & 0xff;
  target[offset + 6] = type;
  target[offset + 7] = serializerIdToPyro5(serializerId);
  target[offset + 8] = wireFlags >>> 8;
  target[offset + 9] = wireFlags & 0xff;
  target[offset + 10] = seq >>> 8;
  target[offset + 11] = seq & 0xff;
  writeU32(target, offset + 12, dataLength);
  writeU32(target, offset + 16, annotationsLength);
  if (correlationId !== undefined) target.set(correlationId, offset + 20);
  else target.fill(0, offset + 20, offset + 36);
  target[offset + 36] = 0;
  target[offset + 37] = 0;
  target[offset + 38] = PYRO5_MAGIC >>> 8;
  target[offset + 39] = PYRO5_MAGIC & 0xff;
}

/** Pyro5 headers need no checksum fix: the sequence number is simply overwritten. */
export function rewritePyro5Seq(header: Uint8Array, seq: number): void {
  header[10] = seq >>> 8;
  header[11] = seq & 0xff;
}

function writeU32(target: Uint8Array, offset: number, value: number): void {
  target[offset] = value >>> 24;
  target[offset + 1] = (value >>> 16) & 0xff;
  target[offset + 2] = (value >>> 8) & 0xff;
  target[offset + 3] = value & 0xff;
}

/** Bytes the annotation chunks of `annotations` take in a Pyro5 message (`CORR` travels in the header). */
export function pyro5AnnotationsSize(annotations: Annotations | undefined): number {
  if (!annotations) return 0;
  let size = 0;
  for (const [id, value] of annotations) if (id !== Annotation.CORR) size += PYRO5_CHUNK_OVERHEAD + value.byteLength;
  return size;
}

/** Writes Pyro5 annotation chunks (all but `CORR`) at `offset`; returns the offset after them. */
export function writePyro5Annotations(target: Buffer, offset: number, annotations: Annotations): number {
  for (const [id, value] of annotations) {
    if (id === Annotation.CORR) continue;
    if (id.length !== 4) throw new ProtocolError(`annotation id must be 4 characters: ${JSON.stringify(id)}`);
    target.write(id, offset, 4, "latin1");
    target.writeUInt32BE(value.byteLength, offset + 4);
    target.set(value, offset + 8);
    offset += PYRO5_CHUNK_OVERHEAD + value.byteLength;
  }
  return offset;
}

/** Parses a Pyro5 annotation block `source[start, end)`; values are views into `source`. */
export function readPyro5Annotations(source: Buffer, start: number, end: number, annotations: Annotations): Annotations {
  let offset = start;
  while (offset < end) {
    if (end - offset < PYRO5_CHUNK_OVERHEAD) throw new ProtocolError("truncated annotation chunk");
    const id = source.toString("latin1", offset, offset + 4);
    const length = source.readUInt32BE(offset + 4);
    const valueStart = offset + PYRO5_CHUNK_OVERHEAD;
    if (length > end - valueStart) throw new ProtocolError(`annotation ${JSON.stringify(id)} overruns the annotation block`);
    // The correlation id belongs to the header; a chunk of that name would forge or shadow it.
    if (id === Annotation.CORR) throw new ProtocolError("a Pyro5 message carries its correlation id in the header, not as a CORR annotation");
    annotations.set(id, source.subarray(valueStart, valueStart + length));
    offset = valueStart + length;
  }
  return annotations;
}

/**
 * The message of a parsed Pyro5 header, its body starting at `bodyStart` of `source`: the header
 * object itself, its annotations (the correlation id among them) and payload filled in.
 */
export function pyro5MessageFromParts(header: Pyro5Header, source: Buffer, bodyStart: number): Message {
  const dataStart = bodyStart + header.annotationsLength;
  if (header.annotationsLength > 0 || header.correlationId !== undefined) {
    const annotations: Annotations = new Map();
    if (header.correlationId !== undefined) annotations.set(Annotation.CORR, header.correlationId);
    header.annotations = readPyro5Annotations(source, bodyStart, dataStart, annotations);
  }
  header.data = source.subarray(dataStart, dataStart + header.dataLength);
  return header;
}
