/**
 * The baseline's wire format and its framing, written to be the practical limit of a Node RPC:
 *
 * | bytes | field                                                     |
 * | ----- | --------------------------------------------------------- |
 * | 4     | length of the rest of the frame, uint32 little-endian      |
 * | 4     | sequence number, uint32 LE (multiplexes calls)             |
 * | 1     | kind: 0 call, 1 oneway call, 2 reply, 3 error reply        |
 * | n     | msgpack body: `[method, ...args]` for calls, the value for replies |
 *
 * Reading never copies a frame that arrived in one chunk (the body is a view of the chunk, and
 * msgpackr decodes `bin` as views too); a frame split across chunks is copied once into a buffer of
 * its final size. Writing packs each body straight after 9 reserved bytes of msgpackr's own buffer
 * (`RESERVE_START_SPACE`) and flushes everything queued in a tick with one socket write.
 */
import type { Socket } from "node:net";
import { Packr, RESERVE_START_SPACE, Unpackr } from "msgpackr";

/** Frame kinds. */
export const Kind = { CALL: 0, ONEWAY: 1, REPLY: 2, ERROR: 3 } as const;

const HEADER = 9;
const LARGE = 64 * 1024;

/** msgpackr set up as pyrots sets it up, so both pay for the same encoding. */
export function makePackr(): Packr {
  // msgpackr's typings lack "auto" (decode int64 as a number when it fits), which pyrots uses too.
  return new Packr({ useRecords: false, encodeUndefinedAsNil: true, variableMapSize: true, int64AsType: "auto" as "number" });
}

/** Receives a frame's sequence number, kind and decoded body. */
export type FrameHandler = (seq: number, kind: number, body: unknown) => void;

/** Splits a byte stream into frames and decodes their bodies. */
export class FrameReader {
  private readonly unpackr: Unpackr = makePackr();
  /** A frame larger than the chunk it started in, being filled. */
  private partial: Buffer | null = null;
  private filled = 0;
  /** Fewer bytes than a length prefix, left from the last chunk. */
  private stub: Buffer | null = null;

  constructor(private readonly onFrame: FrameHandler) {}

  /** Feeds one chunk from the socket. */
  push(chunk: Buffer): void {
    let offset = 0;
    if (this.partial) {
      const frame = this.partial;
      const n = Math.min(chunk.length, frame.length - this.filled);
      chunk.copy(frame, this.filled, 0, n);
      this.filled += n;
      if (this.filled < frame.length) return;
      this.partial = null;
      this.emit(frame, 0, frame.length);
      offset = n;
    }
    if (this.stub) {
      chunk = Buffer.concat([this.stub, chunk.subarray(offset)]);
      this.stub = null;
      offset = 0;
    }
    while (chunk.length - offset >= 4) {
      const length = chunk.readUInt32LE(offset);
      const start = offset + 4;
      if (chunk.length - start >= length) {
        this.emit(chunk, start, start + length);
        offset = start + length;
        continue;
      }
      this.partial = Buffer.allocUnsafe(length);
      this.filled = chunk.copy(this.partial, 0, start);
      return;
    }
    if (offset < chunk.length) this.stub = Buffer.from(chunk.subarray(offset));
  }

  private emit(buf: Buffer, start: number, end: number): void {
    const seq = buf.readUInt32LE(start);
    const kind = buf[start + 4]!;
    this.onFrame(seq, kind, this.unpackr.unpack(buf.subarray(start + 5, end)));
  }
}

/** Queues frames for one socket and writes them all at the end of the tick. */
export class FrameWriter {
  private readonly packr = makePackr();
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private readonly flushBound = () => this.flush();

  constructor(private readonly socket: Socket) {}

  /** Encodes and queues one frame. */
  send(seq: number, kind: number, body: unknown): void {
    // The packed bytes are a view of msgpackr's buffer, which never reuses a region it handed out.
    const frame = this.packr.pack(body, RESERVE_START_SPACE | HEADER) as Buffer;
    frame.writeUInt32LE(frame.length - 4, 0);
    frame.writeUInt32LE(seq, 4);
    frame[8] = kind;
    if (this.queue.length === 0) process.nextTick(this.flushBound);
    this.queue.push(frame);
    this.queuedBytes += frame.length;
  }

  private flush(): void {
    const queue = this.queue;
    this.queue = [];
    const bytes = this.queuedBytes;
    this.queuedBytes = 0;
    if (this.socket.destroyed) return;
    if (queue.length === 1) {
      this.socket.write(queue[0]!);
    } else if (bytes < LARGE) {
      this.socket.write(Buffer.concat(queue, bytes));
    } else {
      // Large frames go out as one writev instead of being copied together.
      this.socket.cork();
      for (const frame of queue) this.socket.write(frame);
      this.socket.uncork();
    }
  }
}
