/**
 * A message connection over any duplex byte stream. Everything above the transport talks to a
 * `Connection`; only `socket.ts` knows about `node:net` and `node:tls`.
 *
 * Outgoing frames written in the same tick are coalesced into one write (one syscall, one TCP
 * segment where they fit), which is what makes many small concurrent calls cheap.
 */
import type { Duplex } from "node:stream";
import { ConnectionClosedError, ProtocolError, type PyroError } from "../errors.js";
import { FrameReader } from "../protocol/framing.js";
import type { Message } from "../protocol/message.js";
import { type MessageSigning, verifyHmac } from "../protocol/hmac.js";
import { PYRO4_WIRE, type WireFormat } from "../protocol/wire.js";

/** Receives a connection's events. */
export interface ConnectionHandler {
  /** A complete message arrived. */
  onMessage(message: Message): void;
  /** Bytes arrived that are not a valid message; the connection will be closed after this. */
  onProtocolError(error: PyroError): void;
  /** The connection is gone (closed by either side, or failed). Called exactly once. */
  onClose(error: Error | undefined): void;
}

/** Frames at most this large are merged into one buffer when coalescing; larger ones go as is. */
const COALESCE_LIMIT = 64 * 1024;

/** How a connection reads what its peer sends. */
export interface ReceiveLimits {
  /** Largest incoming message (annotations + payload); 0 = unlimited. Can be changed later ({@link Connection.messageLimit}). */
  readonly maxMessageSize: number;
  /** Seconds the peer has to finish a message once its first byte arrived; 0 = no limit. */
  readonly messageTimeout: number;
}

/** A connection carrying Pyro messages (protocol 48 or 502) in both directions. */
export class Connection {
  private readonly reader: FrameReader;
  private handler: ConnectionHandler | undefined;
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  private flushScheduled = false;
  private closedFlag = false;
  private pauses = 0;
  private readonly flush = (): void => this.flushQueued();
  private signing: MessageSigning | undefined;
  /** Messages received so far (tells a new partial message from an old one). */
  private received = 0;
  /** When the partial message being read started (ms), 0 when none; and the `received` count then. */
  private partialSince = 0;
  private partialAfter = 0;
  private partialTimer: NodeJS.Timeout | undefined;
  private readonly messageTimeoutMs: number;

  /**
   * @param stream the byte stream (a socket, a TLS socket, or an in-memory duplex in tests).
   * @param limits message size and time limits for what the peer sends.
   * @param signing when set, every incoming message must carry a valid `HMAC` annotation; when
   *   not, no message may carry one. Changed with {@link signWith}.
   * @param wire the wire format the peer must use, or `"detect"`: its first message decides
   *   (see {@link wire}). Pyro4's by default.
   */
  constructor(
    readonly stream: Duplex,
    limits: ReceiveLimits,
    signing?: MessageSigning,
    wire?: WireFormat | "detect",
  ) {
    this.signing = signing;
    this.messageTimeoutMs = limits.messageTimeout * 1000;
    this.reader = new FrameReader(
      limits.maxMessageSize,
      (message) => {
        // Bytes already read after a close (the rest of a chunk) are never acted upon.
        if (this.closedFlag) return;
        this.received++;
        // Pyro5 has no HMAC: its messages are not checked here (a daemon with a key refuses Pyro5
        // clients in the handshake, a proxy with one refuses to speak Pyro5).
        if ((this.signing !== undefined || message.annotations !== undefined) && this.reader.wire === PYRO4_WIRE) verifyHmac(message, this.signing);
        this.handler?.onMessage(message);
      },
      wire,
    );
  }

  /** The wire format the peer speaks: given, or told by its first message (undefined until then). */
  get wire(): WireFormat | undefined {
    return this.reader.wire;
  }

  /** Starts delivering events to `handler`. */
  start(handler: ConnectionHandler): void {
    this.handler = handler;
    this.stream.on("data", (chunk: Buffer) => {
      if (this.closedFlag) return;
      try {
        this.reader.push(chunk);
      } catch (error) {
        this.protocolFailure(error as PyroError);
        return;
      }
      if (this.messageTimeoutMs > 0) this.watchPartial();
    });
    this.stream.on("error", (error) => this.finish(error));
    this.stream.on("close", () => this.finish(undefined));
    this.stream.on("end", () => this.close());
  }

  /** The largest message accepted from the next message on (0 = unlimited). */
  get messageLimit(): number {
    return this.reader.limit;
  }

  set messageLimit(maxMessageSize: number) {
    this.reader.limit = maxMessageSize;
  }

  /** Checks incoming messages with `signing` from the next message on (a sealed session begins). */
  signWith(signing: MessageSigning | undefined): void {
    this.signing = signing;
  }

  /** True once the connection is closing or closed; sends are then dropped. */
  get closed(): boolean {
    return this.closedFlag;
  }

  /** The peer's address as `host:port` (or the socket path), for logs and call context. */
  get remoteAddress(): string {
    const socket = this.stream as Partial<{ remoteAddress: string; remotePort: number }>;
    if (socket.remoteAddress === undefined) return "unknown";
    return socket.remoteAddress.includes(":") ? `[${socket.remoteAddress}]:${socket.remotePort}` : `${socket.remoteAddress}:${socket.remotePort}`;
  }

  /** Queues one encoded frame; frames queued in the same tick leave in one write. */
  send(frame: Buffer | readonly Buffer[]): void {
    if (this.closedFlag) return;
    if (Buffer.isBuffer(frame)) {
      this.queued.push(frame);
      this.queuedBytes += frame.length;
    } else {
      for (const part of frame) {
        this.queued.push(part);
        this.queuedBytes += part.length;
      }
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(this.flush);
    }
  }

  /**
   * Stops reading incoming bytes (TCP backpressure then slows the peer) until every pause has
   * been matched by a {@link resumeReading}. Several reasons may hold a pause at once.
   */
  pauseReading(): void {
    if (this.pauses++ === 0) this.stream.pause();
  }

  /** Releases one {@link pauseReading}. */
  resumeReading(): void {
    if (this.pauses > 0 && --this.pauses === 0) this.stream.resume();
  }

  /**
   * Whether this connection keeps the Node process alive (it does by default). A proxy lets go of
   * the process while no call is waiting on the connection, so that a script ends when its work
   * is done, as with a plain `fetch`.
   */
  holdProcess(hold: boolean): void {
    const socket = this.stream as Partial<{ ref(): void; unref(): void }>;
    if (hold) socket.ref?.();
    else socket.unref?.();
  }

  /** Writes the queued frames now and then ends the stream gracefully. */
  close(): void {
    if (this.closedFlag) return;
    this.flushQueued();
    this.closedFlag = true;
    this.stream.end();
    // A peer that never reads must not keep the socket alive forever.
    setTimeout(() => this.stream.destroy(), 2000).unref();
  }

  /** Drops the connection at once, without flushing. */
  destroy(error?: Error): void {
    this.closedFlag = true;
    this.stream.destroy(error);
  }

  private flushQueued(): void {
    this.flushScheduled = false;
    const frames = this.queued;
    if (frames.length === 0 || this.stream.destroyed) {
      this.queued = [];
      this.queuedBytes = 0;
      return;
    }
    if (frames.length === 1) {
      this.stream.write(frames[0]);
    } else if (this.queuedBytes <= COALESCE_LIMIT) {
      this.stream.write(Buffer.concat(frames, this.queuedBytes));
    } else {
      this.stream.cork();
      for (const frame of frames) this.stream.write(frame);
      this.stream.uncork();
    }
    this.queued = [];
    this.queuedBytes = 0;
  }

  private protocolFailure(error: PyroError): void {
    this.handler?.onProtocolError(error);
    this.close();
  }

  /**
   * After a chunk: notes when a partial message started and makes sure a timer will look at it
   * once its time is up. One timer per connection at most, never re-armed per chunk.
   */
  private watchPartial(): void {
    if (this.reader.idle) {
      this.partialSince = 0;
      return;
    }
    if (this.partialSince === 0 || this.partialAfter !== this.received) {
      this.partialSince = Date.now();
      this.partialAfter = this.received;
    }
    if (this.partialTimer === undefined) this.armPartialTimer(this.messageTimeoutMs);
  }

  private armPartialTimer(ms: number): void {
    this.partialTimer = setTimeout(() => this.checkPartial(), ms);
    this.partialTimer.unref();
  }

  private checkPartial(): void {
    this.partialTimer = undefined;
    if (this.closedFlag || this.partialSince === 0) return;
    const left = this.partialSince + this.messageTimeoutMs - Date.now();
    if (left > 0) {
      this.armPartialTimer(left);
      return;
    }
    const seconds = this.messageTimeoutMs / 1000;
    this.protocolFailure(new ProtocolError(`message not completed within ${seconds} s (MESSAGE_TIMEOUT); ${this.reader.partialBytes} bytes of it arrived`));
  }

  private finish(error: Error | undefined): void {
    clearTimeout(this.partialTimer);
    this.partialTimer = undefined;
    const handler = this.handler;
    if (!handler) return;
    this.handler = undefined;
    this.closedFlag = true;
    this.queued = [];
    handler.onClose(error ?? undefined);
  }
}

/** The error given to calls that were in flight when a connection went away. */
export function connectionLost(cause: Error | undefined, what: string): ConnectionClosedError {
  const reason = cause ? `: ${cause.message}` : "";
  return new ConnectionClosedError(`connection to ${what} was lost${reason}`, { cause });
}
