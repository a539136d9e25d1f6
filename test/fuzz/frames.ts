/**
 * Frames as a fuzzer sees them: built from fields that may lie (lengths, checksum, version), split
 * out of a captured byte stream, and checked strictly when they come back from a daemon.
 *
 * Pyro4 header (24 bytes, big-endian): "PYRO", version u16, type u16, flags u16, seq u16, data
 * length i32, serializer id u16, annotations length u16, reserved u16, checksum u16; then
 * annotation chunks (4-byte id, u16 length, value) and the payload.
 *
 * Pyro5 header (40 bytes): "PYRO", version u16 (502), type u8, serializer id u8, flags u16, seq
 * u16, data length u32, annotations length u32, correlation id (16 bytes), reserved u16, magic
 * 0x4dc5; then annotation chunks (4-byte id, u32 length, value) and the payload.
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

/** What a Pyro5 frame may carry or lie about besides a {@link FrameSpec}'s fields (written as given: Pyro5's ids and flags). */
export interface Pyro5Extras {
  /** The 16-byte correlation id field (zeros when absent). */
  correlationId?: Buffer;
  /** The trailing magic number (default 0x4dc5). */
  trailingMagic?: number;
  /** The reserved field (default 0). */
  reserved?: number;
  /** Announced length of each annotation chunk, by index (default: the value's). */
  chunkLengths?: readonly number[];
}

/** Encodes a Pyro5 (protocol 502) frame; lengths may lie as in {@link FrameSpec}, and chunk lengths and the magic as in `extras`. */
export function buildPyro5Frame(spec: FrameSpec, extras: Pyro5Extras = {}): Buffer {
  const chunks = spec.annotations.map(([id, value], i) => {
    const head = Buffer.alloc(8);
    id.copy(head, 0, 0, 4);
    head.writeUInt32BE((extras.chunkLengths?.[i] ?? value.length) >>> 0, 4);
    return Buffer.concat([head, value]);
  });
  const annotations = Buffer.concat(chunks);
  const header = Buffer.alloc(40);
  (spec.magic ?? MAGIC).copy(header, 0, 0, 4);
  header.writeUInt16BE((spec.version ?? 502) & 0xffff, 4);
  header[6] = spec.type & 0xff;
  header[7] = spec.serializerId & 0xff;
  header.writeUInt16BE(spec.flags & 0xffff, 8);
  header.writeUInt16BE(spec.seq & 0xffff, 10);
  header.writeUInt32BE((spec.dataLength ?? spec.payload.length) >>> 0, 12);
  header.writeUInt32BE((spec.annotationsLength ?? annotations.length) >>> 0, 16);
  if (extras.correlationId) extras.correlationId.copy(header, 20, 0, 16);
  header.writeUInt16BE((extras.reserved ?? 0) & 0xffff, 36);
  header.writeUInt16BE((extras.trailingMagic ?? 0x4dc5) & 0xffff, 38);
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
  // A daemon answers in the protocol of the client's first message: all replies in one of them.
  if (bytes.length >= 6 && bytes.subarray(0, 4).equals(MAGIC) && bytes.readUInt16BE(4) === 502) return pyro5ReplyProblem(bytes);
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

/** {@link replyStreamProblem} for a stream of Pyro5 frames. */
function pyro5ReplyProblem(bytes: Buffer): string | undefined {
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < 40) return `${bytes.length - at} trailing bytes, less than a Pyro5 header`;
    if (!bytes.subarray(at, at + 4).equals(MAGIC) || bytes.readUInt16BE(at + 4) !== 502) return `bad magic/version at ${at} (a Pyro4 frame after Pyro5 ones?)`;
    if (bytes.readUInt16BE(at + 38) !== 0x4dc5) return `bad Pyro5 magic number at ${at}`;
    const type = bytes[at + 6]!;
    if (!REPLY_TYPES.has(type)) return `unexpected message type ${type} at ${at}`;
    const dataLength = bytes.readUInt32BE(at + 12);
    const annLength = bytes.readUInt32BE(at + 16);
    const end = at + 40 + annLength + dataLength;
    if (end > bytes.length) return `frame at ${at} is cut short (${bytes.length - at} of ${end - at} bytes)`;
    for (let a = at + 40; a < at + 40 + annLength; ) {
      if (at + 40 + annLength - a < 8) return `truncated annotation chunk at ${a}`;
      if (bytes.toString("latin1", a, a + 4) === "CORR") return `a CORR annotation in a Pyro5 frame at ${a} (the id belongs in the header)`;
      a += 8 + bytes.readUInt32BE(a + 4);
      if (a > at + 40 + annLength) return `annotation overruns its block at ${at}`;
    }
    at = end;
  }
  return undefined;
}

/** The length of the frame starting at `at` of a valid reply stream, Pyro4's or Pyro5's. */
export function replyFrameLength(bytes: Buffer, at: number): number {
  if (bytes.readUInt16BE(at + 4) === 502) return 40 + bytes.readUInt32BE(at + 16) + bytes.readUInt32BE(at + 12);
  return 24 + bytes.readUInt16BE(at + 18) + bytes.readInt32BE(at + 12);
}
