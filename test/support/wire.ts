/**
 * Raw Pyro4 protocol 48 frames over a plain socket, written independently of @pyrots/core so
 * that tests can send what no well-behaved proxy would (bad versions, bad checksums, messages out
 * of order) and read exactly what a daemon answers.
 *
 * Header (24 bytes, big-endian): "PYRO", version u16, type u16, flags u16, seq u16, data length
 * i32, serializer id u16, annotations length u16, reserved u16, checksum u16.
 */
import net from "node:net";

export const MSG = { CONNECT: 1, CONNECTOK: 2, CONNECTFAIL: 3, INVOKE: 4, RESULT: 5, PING: 6 } as const;
export const FLAG = { EXCEPTION: 0x01, ONEWAY: 0x04, META_ON_CONNECT: 0x10 } as const;
export const SERIALIZER = { JSON: 2, MARSHAL: 3, PICKLE: 4, MSGPACK: 6 } as const;

/** Fields of a frame to build; anything left out gets the well-formed value. */
export interface FrameFields {
  type: number;
  serializerId: number;
  payload?: Buffer;
  flags?: number;
  seq?: number;
  version?: number;
  /** Added to the correct checksum (non-zero makes it wrong). */
  checksumDelta?: number;
  /** Annotation chunks: 4-character id to value. */
  annotations?: Record<string, Buffer>;
}

/** A complete frame. */
export function frame(fields: FrameFields): Buffer {
  const payload = fields.payload ?? Buffer.alloc(0);
  const version = fields.version ?? 48;
  const flags = fields.flags ?? 0;
  const seq = fields.seq ?? 0;
  const chunks = Object.entries(fields.annotations ?? {}).map(([id, value]) => {
    const head = Buffer.alloc(6);
    head.write(id, 0, 4, "latin1");
    head.writeUInt16BE(value.length, 4);
    return Buffer.concat([head, value]);
  });
  const annotations = Buffer.concat(chunks);
  const annLength = annotations.length;
  const checksum = (fields.type + version + payload.length + annLength + fields.serializerId + flags + seq + 0x34e9 + (fields.checksumDelta ?? 0)) & 0xffff;
  const header = Buffer.alloc(24);
  header.write("PYRO", 0, "latin1");
  header.writeUInt16BE(version, 4);
  header.writeUInt16BE(fields.type, 6);
  header.writeUInt16BE(flags, 8);
  header.writeUInt16BE(seq, 10);
  header.writeInt32BE(payload.length, 12);
  header.writeUInt16BE(fields.serializerId, 16);
  header.writeUInt16BE(annLength, 18);
  header.writeUInt16BE(0, 20);
  header.writeUInt16BE(checksum, 22);
  return Buffer.concat([header, annotations, payload]);
}

/** A json payload as Pyro4's json serializer writes it. */
export function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), "utf8");
}

/** A received message. */
export interface RawMessage {
  type: number;
  flags: number;
  seq: number;
  serializerId: number;
  annotations: Map<string, Buffer>;
  payload: Buffer;
}

/** One raw connection; reads whole messages and notices when the peer closes. */
export class RawConnection {
  private buffered = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private ended = false;
  /** Resolves when the peer has closed the connection (or it failed). */
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake?.();
    });
    this.closed = new Promise((resolve) => {
      const done = () => {
        this.ended = true;
        this.wake?.();
        resolve();
      };
      socket.once("close", done);
      socket.once("end", done);
      socket.once("error", done);
    });
  }

  /** Wraps an accepted socket (for fake servers). */
  static wrap(socket: net.Socket): RawConnection {
    return new RawConnection(socket);
  }

  /** Connects to `host:port`. */
  static open(host: string, port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port }, () => resolve(new RawConnection(socket)));
      socket.once("error", reject);
    });
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next whole message; rejects if the connection ends first or after `timeoutMs`. */
  async read(timeoutMs = 5_000): Promise<RawMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = this.take();
      if (message) return message;
      if (this.ended) throw new Error(`connection closed with ${this.buffered.length} unread bytes`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no complete message within ${timeoutMs} ms (${this.buffered.length} bytes buffered)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => (clearTimeout(timer), resolve());
      });
      this.wake = undefined;
    }
  }

  /** Resolves true once the peer has closed, false if it is still open after `timeoutMs`. */
  async closesWithin(timeoutMs = 5_000): Promise<boolean> {
    let timer: NodeJS.Timeout;
    const open = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    return Promise.race([this.closed.then(() => true), open]).finally(() => clearTimeout(timer));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private take(): RawMessage | undefined {
    const b = this.buffered;
    if (b.length < 24) return undefined;
    const dataLength = b.readInt32BE(12);
    const annLength = b.readUInt16BE(18);
    const total = 24 + annLength + dataLength;
    if (b.length < total) return undefined;
    const annotations = new Map<string, Buffer>();
    for (let at = 24; at < 24 + annLength; ) {
      const id = b.toString("latin1", at, at + 4);
      const length = b.readUInt16BE(at + 4);
      annotations.set(id, b.subarray(at + 6, at + 6 + length));
      at += 6 + length;
    }
    this.buffered = b.subarray(total);
    return {
      type: b.readUInt16BE(6),
      flags: b.readUInt16BE(8),
      seq: b.readUInt16BE(10),
      serializerId: b.readUInt16BE(16),
      annotations,
      payload: Buffer.from(b.subarray(24 + annLength, total)),
    };
  }
}

/**
 * Decodes a Python marshal string (what CONNECTFAIL carries before a serializer is agreed): type
 * byte & 0x7f is `z`/`Z` (1-byte length) or `a`/`A`/`u`/`t` (u32 little-endian length).
 */
export function decodeMarshalString(data: Buffer): string {
  const type = String.fromCharCode(data[0]! & 0x7f);
  if (type === "z" || type === "Z") return data.toString("latin1", 2, 2 + data[1]!);
  const length = data.readUInt32LE(1);
  if (type === "a" || type === "A") return data.toString("latin1", 5, 5 + length);
  if (type === "u" || type === "t") return data.toString("utf8", 5, 5 + length);
  throw new Error(`not a marshal string: type byte 0x${data[0]!.toString(16)}`);
}
