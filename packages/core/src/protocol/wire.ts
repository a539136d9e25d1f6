/**
 * The two wire formats pyrots speaks, behind one interface: Pyro4's protocol 48 (24-byte header,
 * u16 annotation lengths, a checksum) and Pyro5's protocol 502 (40-byte header with the
 * correlation id, u32 annotation lengths, a trailing magic number). Both start with `PYRO` and a
 * u16 version, so the first 6 bytes of a connection tell which one the peer speaks.
 *
 * Messages inside pyrots use Pyro4's flag bits and serializer ids whatever the wire; a
 * {@link WireFormat} translates when it reads and writes headers.
 */
import { ProtocolError } from "../errors.js";
import { HEADER_SIZE, MAGIC, MAX_ANNOTATIONS_LENGTH, PROTOCOL_VERSION } from "./constants.js";
import {
  type Annotations,
  type IncomingHeader,
  type Message,
  annotationsSize,
  encodeMessage,
  messageFromParts,
  readHeader,
  rewriteSeq,
  writeAnnotations,
  writeHeader,
} from "./message.js";
import {
  PYRO5_CHUNK_OVERHEAD,
  PYRO5_HEADER_SIZE,
  PYRO5_VERSION,
  type Pyro5Header,
  pyro5AnnotationsSize,
  pyro5MessageFromParts,
  readPyro5Header,
  rewritePyro5Seq,
  writePyro5Annotations,
  writePyro5Header,
} from "./pyro5.js";
import { Annotation } from "./constants.js";

/** One wire format: how headers and annotation chunks look. */
export interface WireFormat {
  /** The protocol version in the header: 48 (Pyro4) or 502 (Pyro5). */
  readonly version: number;
  /** `"Pyro4"` or `"Pyro5"`, for messages. */
  readonly name: string;
  /** Bytes of the fixed header. */
  readonly headerSize: number;
  /** Bytes before each annotation value (id and length). */
  readonly chunkOverhead: number;
  /** Largest annotation block the header can announce. */
  readonly maxAnnotationsLength: number;
  /** Reads and validates a header; flags and serializer id in Pyro4's numbering. */
  readHeader(source: Uint8Array, offset: number): IncomingHeader;
  /** The message whose header was read (that same object), its body starting at `bodyStart` of `source`. */
  messageFromParts(header: IncomingHeader, source: Buffer, bodyStart: number): Message;
  /** Bytes the annotation chunks of `annotations` take. */
  annotationsSize(annotations: Annotations | undefined): number;
  /**
   * Writes the header and the annotation chunks at the start of `target`; `annotationsLength`
   * is {@link annotationsSize} of `annotations`. Returns the offset where the payload goes.
   */
  writeHead(
    target: Buffer,
    type: number,
    flags: number,
    seq: number,
    dataLength: number,
    serializerId: number,
    annotations: Annotations | undefined,
    annotationsLength: number,
  ): number;
  /** Sets the sequence number of an encoded header in place. */
  rewriteSeq(header: Uint8Array, seq: number): void;
}

/** Pyro4 protocol 48. */
export const PYRO4_WIRE: WireFormat = Object.freeze({
  version: PROTOCOL_VERSION,
  name: "Pyro4",
  headerSize: HEADER_SIZE,
  chunkOverhead: 6,
  maxAnnotationsLength: MAX_ANNOTATIONS_LENGTH,
  readHeader,
  messageFromParts,
  annotationsSize,
  writeHead(target, type, flags, seq, dataLength, serializerId, annotations, annotationsLength): number {
    writeHeader(target, 0, type, flags, seq, dataLength, serializerId, annotationsLength);
    return annotations ? writeAnnotations(target, HEADER_SIZE, annotations) : HEADER_SIZE;
  },
  rewriteSeq,
} satisfies WireFormat);

/** Pyro5 protocol 502. */
export const PYRO5_WIRE: WireFormat = Object.freeze({
  version: PYRO5_VERSION,
  name: "Pyro5",
  headerSize: PYRO5_HEADER_SIZE,
  chunkOverhead: PYRO5_CHUNK_OVERHEAD,
  maxAnnotationsLength: 0xffffffff,
  readHeader: readPyro5Header,
  messageFromParts: (header: IncomingHeader, source: Buffer, bodyStart: number): Message => pyro5MessageFromParts(header as Pyro5Header, source, bodyStart),
  annotationsSize: pyro5AnnotationsSize,
  writeHead(target, type, flags, seq, dataLength, serializerId, annotations, annotationsLength): number {
    writePyro5Header(target, 0, type, flags, seq, dataLength, serializerId, annotationsLength, annotations?.get(Annotation.CORR));
    return annotations ? writePyro5Annotations(target, PYRO5_HEADER_SIZE, annotations) : PYRO5_HEADER_SIZE;
  },
  rewriteSeq: rewritePyro5Seq,
} satisfies WireFormat);

/** Bytes a reader needs to tell the wire format of a message: magic and version. */
export const WIRE_PROBE_SIZE = 6;

/**
 * The wire format of the message starting at `offset` (at least {@link WIRE_PROBE_SIZE} bytes),
 * from its version field; ProtocolError for anything that is not a Pyro message of 48 or 502.
 */
export function wireOf(source: Uint8Array, offset = 0): WireFormat {
  const magic = ((source[offset] << 24) | (source[offset + 1] << 16) | (source[offset + 2] << 8) | source[offset + 3]) >>> 0;
  const version = (source[offset + 4] << 8) | source[offset + 5];
  if (magic === MAGIC && version === PROTOCOL_VERSION) return PYRO4_WIRE;
  if (magic === MAGIC && version === PYRO5_VERSION) return PYRO5_WIRE;
  // Pyro4's words, which Pyro4 clients show as the reason.
  throw new ProtocolError("invalid data or unsupported protocol version");
}

/** Encodes a whole message into one new Buffer in `wire`'s format (handshakes, errors, tests). */
export function encodeWireMessage(wire: WireFormat, message: Message): Buffer {
  if (wire === PYRO4_WIRE) return encodeMessage(message);
  if (message.data.byteLength > 0xffffffff) throw new ProtocolError(`payload too large (${message.data.byteLength} bytes)`);
  const annLength = wire.annotationsSize(message.annotations);
  if (annLength > wire.maxAnnotationsLength) throw new ProtocolError(`annotations too large (${annLength} bytes)`);
  const out = Buffer.allocUnsafe(wire.headerSize + annLength + message.data.byteLength);
  const at = wire.writeHead(out, message.type, message.flags, message.seq, message.data.byteLength, message.serializerId, message.annotations, annLength);
  out.set(message.data, at);
  return out;
}

/** Decodes one complete message of either wire format held in `source` (nothing more). */
export function decodeWireMessage(source: Buffer): Message {
  if (source.length < WIRE_PROBE_SIZE) throw new ProtocolError("message shorter than its header");
  const wire = wireOf(source);
  if (source.length < wire.headerSize) throw new ProtocolError("message shorter than its header");
  const header = wire.readHeader(source, 0);
  const end = wire.headerSize + header.annotationsLength + header.dataLength;
  if (source.length !== end) throw new ProtocolError(`message length ${source.length} does not match its header (${end})`);
  return wire.messageFromParts(header, source, wire.headerSize);
}
