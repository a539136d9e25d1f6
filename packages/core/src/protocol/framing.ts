/**
 * Turns a byte stream into Pyro messages: Pyro4's protocol 48, Pyro5's 502, or (for a daemon, or
 * a proxy that lets the daemon decide) whichever the first message of the connection uses. Once
 * a connection's wire format is known every later message must have it too.
 *
 * The size limit is checked from the header alone, and the header's announced length is never
 * reserved on trust: a message that arrives inside one chunk is handed out as views into that
 * chunk (no copy); a message split across chunks is copied, chunk by chunk as it arrives, into a
 * body buffer reserved ahead of the bytes received ({@link RESERVE_AHEAD} times them, at least
 * {@link MIN_RESERVE}, never more than announced). Copying each chunk while it is still in the CPU's
 * cache, into one buffer that usually needs no regrowth, is what keeps large messages cheap;
 * memory held for a partial message stays proportional to what the peer really sent.
 *
 * The limit can be changed between messages: a daemon keeps it small until the handshake is done.
 */
import { MessageTooLargeError } from "../errors.js";
import type { IncomingHeader, Message } from "./message.js";
import { PYRO5_HEADER_SIZE } from "./pyro5.js";
import { PYRO4_WIRE, WIRE_PROBE_SIZE, type WireFormat, wireOf } from "./wire.js";

/**
 * A split message's body is reserved this many times the bytes received so far (capped by the
 * announced length): a body whose first piece is a full 64 KiB socket read gets room for 2 MiB at
 * once, so common large messages are copied once, while a peer announcing gigabytes and sending
 * little holds little.
 */
const RESERVE_AHEAD = 32;

/** The smallest body reservation (fewer regrowths for peers that send a few bytes at a time). */
const MIN_RESERVE = 64 * 1024;

/** Receives each complete message, in order. */
export type MessageSink = (message: Message) => void;

/** Incremental message reader for one connection. */
export class FrameReader {
  /** Bytes of a header split across chunks (room for the larger, Pyro5's). */
  private readonly headerScratch = Buffer.allocUnsafe(PYRO5_HEADER_SIZE);
  /** The connection's wire format; undefined until the first message tells it (detecting reader). */
  private format: WireFormat | undefined;
  /** Header size of {@link format}; until it is known, the bytes needed to tell it. */
  private headerSize: number;
  private headerFill = 0;
  private header: IncomingHeader | undefined;
  /** The body (annotations + payload) being assembled: bytes 0..bodyFill are in. */
  private body: Buffer | undefined;
  private bodyFill = 0;
  private bodyLength = 0;

  /**
   * @param maxMessageSize largest annotations + payload accepted; 0 means no limit of our own.
   * @param sink called for every complete message.
   * @param wire the wire format to expect, or `"detect"`: the first message's version decides
   *   (48 or 502) and every later one must match it.
   */
  constructor(
    private maxMessageSize: number,
    private readonly sink: MessageSink,
    wire: WireFormat | "detect" = PYRO4_WIRE,
  ) {
    this.format = wire === "detect" ? undefined : wire;
    this.headerSize = this.format?.headerSize ?? WIRE_PROBE_SIZE;
  }

  /** The wire format of this connection: given, or detected from the first message (undefined before). */
  get wire(): WireFormat | undefined {
    return this.format;
  }

  /** True when no partial message is buffered. */
  get idle(): boolean {
    return this.header === undefined && this.headerFill === 0;
  }

  /** Bytes of the current partial message received so far (header included). */
  get partialBytes(): number {
    return this.header === undefined ? this.headerFill : this.headerSize + this.bodyFill;
  }

  /** The largest message accepted from now on (0 = no limit); applies to the next header read. */
  get limit(): number {
    return this.maxMessageSize;
  }

  set limit(maxMessageSize: number) {
    this.maxMessageSize = maxMessageSize;
  }

  /**
   * Feeds bytes in. Throws {@link ProtocolError} or {@link MessageTooLargeError} on bad input;
   * after a throw the reader must not be used again (the connection is to be closed).
   */
  push(chunk: Buffer): void {
    let offset = 0;
    const length = chunk.length;
    while (offset < length) {
      if (this.header === undefined) {
        const headerSize = this.headerSize;
        if (this.headerFill === 0 && length - offset >= headerSize && this.format !== undefined) {
          const header = this.accept(this.format.readHeader(chunk, offset));
          offset += headerSize;
          const bodyLength = header.annotationsLength + header.dataLength;
          if (length - offset >= bodyLength) {
            this.sink(this.format.messageFromParts(header, chunk, offset));
            offset += bodyLength;
            continue;
          }
          this.header = header;
        } else {
          const take = Math.min(headerSize - this.headerFill, length - offset);
          chunk.copy(this.headerScratch, this.headerFill, offset, offset + take);
          this.headerFill += take;
          offset += take;
          if (this.headerFill < headerSize) return;
          if (this.format === undefined) {
            // The probe (magic and version) is in: the rest of the header follows in the scratch.
            this.format = wireOf(this.headerScratch);
            this.headerSize = this.format.headerSize;
            continue;
          }
          this.headerFill = 0;
          this.header = this.accept(this.format.readHeader(this.headerScratch, 0));
        }
        this.bodyLength = this.header.annotationsLength + this.header.dataLength;
        this.bodyFill = 0;
        if (this.bodyLength === 0) {
          this.finishBody();
          continue;
        }
      }
      const take = Math.min(this.bodyLength - this.bodyFill, length - offset);
      if (this.bodyFill === 0 && take === this.bodyLength) {
        // The whole body in this chunk, after a header that came earlier: no copy needed.
        this.body = retained(chunk, offset, offset + take);
      } else {
        this.append(chunk, offset, offset + take);
      }
      this.bodyFill += take;
      offset += take;
      if (this.bodyFill === this.bodyLength) this.finishBody();
    }
  }

  private accept(header: IncomingHeader): IncomingHeader {
    const size = header.annotationsLength + header.dataLength;
    if (this.maxMessageSize > 0 && size > this.maxMessageSize) {
      // Pyro4's words first; who receives it adds which limit this is.
      throw new MessageTooLargeError(
        `max message size exceeded (${size} where max=${this.maxMessageSize}): the peer sent a message larger than this side accepts`,
      );
    }
    return header;
  }

  /** Copies `chunk[start, end)` to the body after the bytes already in, reserving more room first when needed. */
  private append(chunk: Buffer, start: number, end: number): void {
    const filled = this.bodyFill + (end - start);
    let body = this.body;
    if (body === undefined || filled > body.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.bodyLength, Math.max(filled * RESERVE_AHEAD, MIN_RESERVE)));
      body?.copy(grown, 0, 0, this.bodyFill);
      this.body = body = grown;
    }
    chunk.copy(body, this.bodyFill, start, end);
  }

  private finishBody(): void {
    const header = this.header!;
    const body = this.body ?? EMPTY;
    this.header = undefined;
    this.body = undefined;
    this.bodyFill = 0;
    this.bodyLength = 0;
    this.sink(this.format!.messageFromParts(header, body, 0));
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * A piece of `chunk` to keep until its message is complete: a view when it is most of the chunk's
 * memory, else a copy, so that a peer sending a byte at a time cannot pin large read buffers.
 */
function retained(chunk: Buffer, start: number, end: number): Buffer {
  const view = chunk.subarray(start, end);
  return view.length * 2 >= chunk.buffer.byteLength ? view : Buffer.from(view);
}
