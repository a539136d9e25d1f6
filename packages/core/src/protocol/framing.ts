/**
 * Turns a byte stream into Pyro4 messages.
 *
 * The size limit is checked from the header alone, before any buffer is allocated for the body,
 * so a peer announcing a 2 GiB message costs us 24 bytes. A message that arrives inside one chunk
 * is handed out as views into that chunk (no copy); a message split across chunks is assembled
 * into one buffer of exactly its size.
 */
import { MessageTooLargeError } from "../errors.js";
import { HEADER_SIZE } from "./constants.js";
import { type Header, type Message, messageFromParts, readHeader } from "./message.js";

/** Receives each complete message, in order. */
export type MessageSink = (message: Message) => void;

/** Incremental message reader for one connection. */
export class FrameReader {
  /** Bytes of a header split across chunks. */
  private readonly headerScratch = Buffer.allocUnsafe(HEADER_SIZE);
  private headerFill = 0;
  private header: Header | undefined;
  /** Body (annotations + payload) being assembled across chunks. */
  private body: Buffer | undefined;
  private bodyFill = 0;

  /**
   * @param maxMessageSize largest annotations + payload accepted; 0 means no limit of our own.
   * @param sink called for every complete message.
   */
  constructor(
    private readonly maxMessageSize: number,
    private readonly sink: MessageSink,
  ) {}

  /** True when no partial message is buffered. */
  get idle(): boolean {
    return this.header === undefined && this.headerFill === 0;
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
        if (this.headerFill === 0 && length - offset >= HEADER_SIZE) {
          this.header = this.accept(readHeader(chunk, offset));
          offset += HEADER_SIZE;
          const bodyLength = this.header.annotationsLength + this.header.dataLength;
          if (length - offset >= bodyLength) {
            const header = this.header;
            this.header = undefined;
            this.sink(messageFromParts(header, chunk, offset));
            offset += bodyLength;
            continue;
          }
        } else {
          const take = Math.min(HEADER_SIZE - this.headerFill, length - offset);
          chunk.copy(this.headerScratch, this.headerFill, offset, offset + take);
          this.headerFill += take;
          offset += take;
          if (this.headerFill < HEADER_SIZE) return;
          this.headerFill = 0;
          this.header = this.accept(readHeader(this.headerScratch));
        }
        const bodyLength = this.header.annotationsLength + this.header.dataLength;
        this.body = Buffer.allocUnsafe(bodyLength);
        this.bodyFill = 0;
        if (bodyLength === 0) {
          this.finishBody();
          continue;
        }
      }
      const body = this.body!;
      const take = Math.min(body.length - this.bodyFill, length - offset);
      chunk.copy(body, this.bodyFill, offset, offset + take);
      this.bodyFill += take;
      offset += take;
      if (this.bodyFill === body.length) this.finishBody();
    }
  }

  private accept(header: Header): Header {
    const size = header.annotationsLength + header.dataLength;
    if (this.maxMessageSize > 0 && size > this.maxMessageSize) {
      throw new MessageTooLargeError(
        `max message size exceeded (${size} where max=${this.maxMessageSize}): the peer sent a message larger than MAX_MESSAGE_SIZE allows (raise it with the option maxMessageSize if such messages are expected)`,
      );
    }
    return header;
  }

  private finishBody(): void {
    const header = this.header!;
    const body = this.body!;
    this.header = undefined;
    this.body = undefined;
    this.bodyFill = 0;
    this.sink(messageFromParts(header, body, 0));
  }
}
