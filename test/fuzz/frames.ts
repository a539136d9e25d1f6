/**
 * Frames as a fuzzer sees them: built from fields that may lie (lengths, checksum, version), split
 * out of a captured byte stream, and checked strictly when they come back from a daemon.
 *
 * Header (24 bytes, big-endian): "PYRO", version u16, type u16, flags u16, seq u16, data length
 * i32, serializer id u16, annotations length u16, reserved u16, checksum u16; then annotation
 * chunks (4-byte id, u16 length, value) and the payload.
 */

/** One frame to build. Lengths and checksum default to the true ones. */
export interface FrameSpec {
  type: number;
  flags: number;
  seq: number;
  serializerId: number;
  annotations: ReadonlyArray<readonly [Buffer, Buffer]>;
  payload: Buffer;
  version?: number;
  magic?: Buffer;
  /** Announced data length (default: the payload's). */
  dataLength?: number;
  /** Announced annotations length (default: the chunks' total). */
  annotationsLength?: number;
  /** Added to the correct checksum of the header as written. */
  checksumDelta?: number;
}

const MAGIC = Buffer.from("PYRO", "latin1");

/** The header checksum of Pyro4 protocol 48 over the fields as written. */
export function checksumOf(type: number, version: number, dataLength: number, annLength: number, serializerId: number, flags: number, seq: number): number {
  return (type + version + dataLength + annLength + serializerId + flags + seq + 0x34e9) & 0xffff;
}

/** Encodes a frame; the checksum is valid for whatever (possibly false) lengths are announced. */
export function buildFrame(spec: FrameSpec): Buffer {
  const chunks = spec.annotations.map(([id, value]) => {
    const head = Buffer.alloc(6);
    id.copy(head, 0, 0, 4);
    head.writeUInt16BE(value.length & 0xffff, 4);
    return Buffer.concat([head, value]);
  });
  const annotations = Buffer.concat(chunks);
  const version = spec.version ?? 48;
  const dataLength = spec.dataLength ?? spec.payload.length;
  const annLength = (spec.annotationsLength ?? annotations.length) & 0xffff;
  const header = Buffer.alloc(24);
  (spec.magic ?? MAGIC).copy(header, 0, 0, 4);
  header.writeUInt16BE(version & 0xffff, 4);
  header.writeUInt16BE(spec.type & 0xffff, 6);
  header.writeUInt16BE(spec.flags & 0xffff, 8);
  header.writeUInt16BE(spec.seq & 0xffff, 10);
  header.writeInt32BE(dataLength | 0, 12);
  header.writeUInt16BE(spec.serializerId & 0xffff, 16);
  header.writeUInt16BE(annLength, 18);
  const sum = checksumOf(spec.type & 0xffff, version & 0xffff, dataLength | 0, annLength, spec.serializerId & 0xffff, spec.flags & 0xffff, spec.seq & 0xffff);
  header.writeUInt16BE((sum + (spec.checksumDelta ?? 0)) & 0xffff, 22);
  return Buffer.concat([header, annotations, spec.payload]);
}

/** Splits a well-formed byte stream (a captured one) into frame specs. */
export function splitFrames(stream: Buffer): FrameSpec[] {
  const frames: FrameSpec[] = [];
  for (let at = 0; at + 24 <= stream.length; ) {
    const dataLength = stream.readInt32BE(at + 12);
    const annLength = stream.readUInt16BE(at + 18);
    const annotations: [Buffer, Buffer][] = [];
    for (let a = at + 24; a < at + 24 + annLength; ) {
      const length = stream.readUInt16BE(a + 4);
      annotations.push([Buffer.from(stream.subarray(a, a + 4)), Buffer.from(stream.subarray(a + 6, a + 6 + length))]);
      a += 6 + length;
    }
    const start = at + 24 + annLength;
    frames.push({
      type: stream.readUInt16BE(at + 6),
      flags: stream.readUInt16BE(at + 8),
      seq: stream.readUInt16BE(at + 10),
      serializerId: stream.readUInt16BE(at + 16),
      annotations,
      payload: Buffer.from(stream.subarray(start, start + dataLength)),
    });
    at = start + dataLength;
  }
  return frames;
}

/** Message types a daemon may send. */
const REPLY_TYPES = new Set([2, 3, 5, 6]);

/** Why `bytes` (everything a daemon sent on one connection) is not a sequence of valid frames, or undefined. */
export function replyStreamProblem(bytes: Buffer): string | undefined {
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < 24) return `${bytes.length - at} trailing bytes, less than a header`;
    if (!bytes.subarray(at, at + 4).equals(MAGIC) || bytes.readUInt16BE(at + 4) !== 48) return `bad magic/version at ${at}`;
    const type = bytes.readUInt16BE(at + 6);
    const flags = bytes.readUInt16BE(at + 8);
    const seq = bytes.readUInt16BE(at + 10);
    const dataLength = bytes.readInt32BE(at + 12);
    const serializerId = bytes.readUInt16BE(at + 16);
    const annLength = bytes.readUInt16BE(at + 18);
    if (checksumOf(type, 48, dataLength, annLength, serializerId, flags, seq) !== bytes.readUInt16BE(at + 22)) return `bad checksum at ${at}`;
    if (!REPLY_TYPES.has(type)) return `unexpected message type ${type} at ${at}`;
    if (dataLength < 0) return `negative data length at ${at}`;
    const end = at + 24 + annLength + dataLength;
    if (end > bytes.length) return `frame at ${at} is cut short (${bytes.length - at} of ${end - at} bytes)`;
    for (let a = at + 24; a < at + 24 + annLength; ) {
      if (at + 24 + annLength - a < 6) return `truncated annotation chunk at ${a}`;
      a += 6 + bytes.readUInt16BE(a + 4);
      if (a > at + 24 + annLength) return `annotation overruns its block at ${at}`;
    }
    at = end;
  }
  return undefined;
}
