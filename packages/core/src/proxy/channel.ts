/**
 * One connection from a proxy to a daemon: the handshake, then calls matched to replies.
 *
 * A pyrots daemon announces during the handshake that it answers out of order; calls are then
 * all written at once and matched to replies by sequence number. A Pyro4 daemon answers one
 * request at a time, in order, so calls wait in a queue and leave one by one.
 */
import type tls from "node:tls";
import { CommunicationError, ConnectionClosedError, ProtocolError, PyroError, SecurityError, SerializeError } from "../errors.js";
import { Annotation, Flags, MessageType, SerializerId } from "../protocol/constants.js";
import type { Message } from "../protocol/message.js";
import { decodeMarshalString } from "../serializers/marshal.js";
import { serializerById } from "../serializers/registry.js";
import { type Serializer, decodeContextWithin } from "../serializers/types.js";
import { Connection, type ConnectionHandler, connectionLost } from "../transport/connection.js";
import { payloadOf, valueFrame } from "../transport/outgoing.js";
import { type ListenAddress, connect } from "../transport/socket.js";
import type { PendingCall } from "./pending.js";

/** Exposed members of the remote object, as the daemon announced them. */
export interface RemoteMetadata {
  methods: ReadonlySet<string>;
  oneway: ReadonlySet<string>;
  attrs: ReadonlySet<string>;
}

/** What opening a channel needs. */
export interface ChannelOptions {
  address: ListenAddress;
  /** The target, for error messages: usually the URI text. */
  what: string;
  objectId: string;
  serializer: Serializer;
  handshake: unknown;
  /** Ask for metadata in the handshake (Pyro's `METADATA`). */
  metadata: boolean;
  /** Connect/handshake timeout in seconds; 0 = none. */
  timeout: number;
  maxMessageSize: number;
  /** Sequence number to put on CONNECT (the proxy's current counter). */
  seq: number;
  /** Pyro4 HMAC key signing every message, if set. */
  hmacKey: Uint8Array | undefined;
  /** Connect over TLS with these options. */
  tls: tls.ConnectionOptions | undefined;
}

/** An open, handshaken connection to a daemon. */
export class Channel implements ConnectionHandler {
  /** True when the daemon takes many requests at once on this connection (a pyrots daemon). */
  multiplex = false;
  /** How many requests the daemon takes at once on this connection; 0 = no limit. */
  private window = 1;
  /** Metadata from the handshake, when asked for. */
  metadata: RemoteMetadata | undefined;
  /** The daemon's handshake response data. */
  handshakeResponse: unknown;
  /** Calls sent and waiting for their reply, by sequence number. */
  readonly inFlight = new Map<number, PendingCall>();
  /** Calls waiting to be sent (Pyro4 daemons: one request at a time). */
  private readonly waiting: PendingCall[] = [];
  private closedError: Error | undefined;
  private handshakeWaiter: { resolve: () => void; reject: (error: Error) => void } | undefined;
  /** Called once when the channel closes, so the proxy forgets it. */
  onClosed: ((channel: Channel) => void) | undefined;

  private constructor(
    private readonly connection: Connection,
    private readonly what: string,
    private readonly maxMessageSize: number,
  ) {}

  /** Connects, sends CONNECT and waits for CONNECTOK. */
  static async open(options: ChannelOptions): Promise<Channel> {
    const socket = await connect(options.address, options.what, options.timeout, options.tls);
    const channel = new Channel(new Connection(socket, options.maxMessageSize, options.hmacKey), options.what, options.maxMessageSize);
    channel.connection.start(channel);
    const flags = options.metadata ? Flags.META_ON_CONNECT : 0;
    const payload = options.metadata ? { handshake: options.handshake, object: options.objectId } : { handshake: options.handshake };
    const done = new Promise<void>((resolve, reject) => (channel.handshakeWaiter = { resolve, reject }));
    let timer: NodeJS.Timeout | undefined;
    if (options.timeout > 0) {
      timer = setTimeout(() => {
        channel.handshakeWaiter?.reject(new CommunicationError(`handshake with ${options.what} timed out after ${options.timeout} s`));
        channel.close();
      }, options.timeout * 1000);
    }
    channel.connection.send(valueFrame({ type: MessageType.CONNECT, flags, seq: options.seq, hmacKey: options.hmacKey }, options.serializer, payload));
    try {
      await done;
    } catch (error) {
      channel.close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return channel;
  }

  /** True when the connection is gone. */
  get closed(): boolean {
    return this.closedError !== undefined || this.connection.closed;
  }

  /** Number of calls sent or queued and not yet answered. */
  get load(): number {
    return this.inFlight.size + this.waiting.length + this.claims;
  }

  /**
   * Calls that picked this channel and are about to submit: they count as load, so that callers
   * choosing a channel in the meantime spread over a pool instead of piling onto one.
   */
  claims = 0;

  /** Sends a call (or queues it until the daemon is free); its reply settles `call`. */
  submit(call: PendingCall): void {
    if (this.closedError) {
      call.fail(connectionLost(this.closedError, this.what));
      return;
    }
    if (call.oneway) {
      this.connection.send(call.frame!);
      call.frame = undefined;
      call.succeed(null);
      return;
    }
    if (this.window === 0 || this.inFlight.size < this.window) this.transmit(call);
    else this.waiting.push(call);
  }

  /**
   * Gives up on a call that timed out or was aborted. A queued call is just dropped. One already
   * sent keeps its place until the daemon's late answer arrives (and is ignored): the daemon is
   * still running it, so it still counts against the daemon's window. On an in-order connection
   * (Pyro4) that late answer would be taken for the next call's, so the connection is closed.
   */
  abandon(call: PendingCall): void {
    const queued = this.waiting.indexOf(call);
    if (queued >= 0) {
      this.waiting.splice(queued, 1);
      return;
    }
    if (!this.multiplex && this.inFlight.get(call.seq) === call) this.close();
  }

  /** Whether `seq` is free to use on this connection. */
  seqFree(seq: number): boolean {
    return !this.inFlight.has(seq);
  }

  /** Closes the connection; calls in flight fail with ConnectionClosedError. */
  close(): void {
    this.connection.close();
    this.onClose(new ConnectionClosedError("proxy released the connection"));
  }

  onMessage(message: Message): void {
    if (this.handshakeWaiter) {
      this.handshakeReply(message);
      return;
    }
    if (message.type !== MessageType.RESULT) {
      if (message.type === MessageType.PING) return;
      this.protocolFailure(new ProtocolError(`invalid message type ${message.type} received from ${this.what}`));
      return;
    }
    const call = this.inFlight.get(message.seq);
    if (call === undefined) {
      // On an in-order connection an unknown seq means we are out of step with the daemon.
      if (!this.multiplex) this.protocolFailure(new ProtocolError("reply sequence out of sync"));
      return;
    }
    this.inFlight.delete(message.seq);
    try {
      call.settle(message, decodePayload(message, this.maxMessageSize));
    } catch (error) {
      call.fail(error as Error);
    }
    if (this.waiting.length > 0) this.sendNext();
  }

  onProtocolError(error: PyroError): void {
    this.onClose(error);
  }

  onClose(error: Error | undefined): void {
    if (this.closedError) return;
    this.closedError = error ?? new ConnectionClosedError("connection closed by the daemon");
    const refused = error instanceof SecurityError ? new SecurityError(`connection to ${this.what} refused: ${error.message}`, { cause: error }) : undefined;
    this.handshakeWaiter?.reject(refused ?? new ConnectionClosedError(`connection to ${this.what} closed during the handshake`, { cause: error }));
    this.handshakeWaiter = undefined;
    const lost = connectionLost(error, this.what);
    for (const call of this.inFlight.values()) call.fail(lost);
    for (const call of this.waiting) call.fail(lost);
    this.inFlight.clear();
    this.waiting.length = 0;
    this.onClosed?.(this);
  }

  private transmit(call: PendingCall): void {
    this.inFlight.set(call.seq, call);
    this.connection.send(call.frame!);
    call.frame = undefined;
  }

  private sendNext(): void {
    const next = this.waiting.shift();
    if (next) this.transmit(next);
  }

  private protocolFailure(error: PyroError): void {
    this.connection.destroy();
    this.onClose(error);
  }

  private handshakeReply(message: Message): void {
    const waiter = this.handshakeWaiter!;
    this.handshakeWaiter = undefined;
    try {
      if (message.type === MessageType.CONNECTFAIL) throw rejected(this.what, message, this.maxMessageSize);
      if (message.type !== MessageType.CONNECTOK) throw new ProtocolError(`expected a handshake reply from ${this.what}, got message type ${message.type}`);
      const data = decodePayload(message, this.maxMessageSize);
      const multiplex = message.annotations?.get(Annotation.MULTIPLEX);
      if (multiplex !== undefined) {
        this.multiplex = true;
        const window = Number(Buffer.from(multiplex).toString("latin1"));
        this.window = Number.isInteger(window) && window >= 0 ? window : 1;
      }
      if (message.flags & Flags.META_ON_CONNECT) {
        const reply = (data ?? {}) as { handshake?: unknown; meta?: { methods?: string[]; oneway?: string[]; attrs?: string[] } };
        this.handshakeResponse = reply.handshake;
        this.metadata = metadataFrom(reply.meta);
      } else {
        this.handshakeResponse = data;
      }
      waiter.resolve();
    } catch (error) {
      waiter.reject(error as Error);
    }
  }
}

/** Decodes a reply payload with the serializer the reply names. */
function decodePayload(message: Message, maxMessageSize: number): unknown {
  const context = decodeContextWithin(maxMessageSize);
  const payload = payloadOf(message, context.limits);
  if (message.serializerId === SerializerId.MARSHAL) return decodeMarshalString(payload);
  return serializerById(message.serializerId).decode(payload, context);
}

/** Builds the metadata sets from a handshake's `meta` map. */
export function metadataFrom(meta: { methods?: unknown; oneway?: unknown; attrs?: unknown } | undefined): RemoteMetadata {
  const names = (value: unknown) => new Set(Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);
  return { methods: names(meta?.methods), oneway: names(meta?.oneway), attrs: names(meta?.attrs) };
}

function rejected(what: string, message: Message, maxMessageSize: number): CommunicationError {
  let reason: string;
  try {
    reason = String(decodePayload(message, maxMessageSize));
  } catch (error) {
    reason = error instanceof SerializeError ? "(unreadable reason)" : String(error);
  }
  const hint = /serializer that is not accepted: 6\b/.test(reason)
    ? ' — the daemon does not accept msgpack; a Python Pyro4 daemon needs PYRO_SERIALIZERS_ACCEPTED=serpent,json,marshal,msgpack, or use the proxy option serializer: "json"'
    : "";
  const unknown =
    reason === "unknown object"
      ? " — the daemon is running but serves no object with this id: check the object id in the URI (servers print their URIs; `pyro-nsc list` shows registered ones)"
      : "";
  return new CommunicationError(`connection to ${what} rejected: ${reason}${hint}${unknown}`);
}
