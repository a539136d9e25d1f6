/**
 * One connection from a proxy to a daemon: the handshake, then calls matched to replies.
 *
 * A pyrots daemon announces during the handshake that it answers out of order; calls are then
 * all written at once and matched to replies by sequence number. A Pyro4 daemon answers one
 * request at a time, in order, so calls wait in a queue and leave one by one.
 *
 * A channel speaks one protocol, Pyro4's 48 or Pyro5's 502, chosen before it opens. It reads the
 * daemon's first answer in either: a daemon that answers in the other one (a Pyro5 daemon refuses
 * protocol 48 in 502) fails the handshake with {@link ProtocolMismatchError}, and the proxy may
 * open a new channel in that protocol.
 */
import {
  CommunicationError,
  ConnectionClosedError,
  MessageTooLargeError,
  ProtocolError,
  PyroError,
  SecurityError,
  SerializeError,
  TimeoutError,
} from "../errors.js";
import { Annotation, Flags, MAX_STREAM_BATCH, MessageType, SerializerId } from "../protocol/constants.js";
import { type MessageSigning, signFrame } from "../protocol/hmac.js";
import type { Message } from "../protocol/message.js";
import type { WireFormat } from "../protocol/wire.js";
import { PYRO4, type PyroProtocol } from "../serializers/protocols.js";
import { SEAL_KEY, newSealNonce, sealKeyFor, sealNonceIn } from "../protocol/seal.js";
import { decodeMarshalString } from "../serializers/marshal.js";
import type { DecodeContext, Serializer } from "../serializers/types.js";
import { Connection, type ConnectionHandler, connectionLost } from "../transport/connection.js";
import { type Frame, payloadOf, valueFrame } from "../transport/outgoing.js";
import type { ListenAddress } from "../transport/socket.js";
import type { TLSSocket } from "node:tls";
import type { HandshakeInfo } from "./options.js";
import type { PendingCall } from "./pending.js";
import type { ProxySettings } from "./settings.js";

/** Sequence numbers are 16 bits: at most this many calls can be told apart on one connection. */
const MAX_IN_FLIGHT = 0xffff;

/** Exposed members of the remote object, as the daemon announced them. */
export interface RemoteMetadata {
  methods: ReadonlySet<string>;
  oneway: ReadonlySet<string>;
  attrs: ReadonlySet<string>;
  /** Methods the daemon marks safe to repeat (`@idempotent`; pyrots daemons only, empty otherwise). */
  idempotent: ReadonlySet<string>;
  /** How the daemon instantiates the object (`single`, `session`, `percall`), when it says (pyrots daemons). */
  instanceMode: string | undefined;
}

/** What opening a channel needs. */
export interface ChannelOptions {
  address: ListenAddress;
  /** The target, for error messages: usually the URI text. */
  what: string;
  /** For TLS: the host name to check the certificate against, when `address` holds an IP resolved from it. */
  servername?: string | undefined;
  objectId: string;
  settings: ProxySettings;
  /** The serializer of this connection (the settings' one, or what a fallback settled on), of `protocol`. */
  serializer: Serializer;
  /** The protocol to speak. */
  protocol: PyroProtocol;
  /** How replies are decoded (limits, and what proxies in them become). */
  decodeContext: DecodeContext;
}

/** A daemon refused the serializer of a connection's handshake; a proxy may try another one. */
export class SerializerRefusedError extends CommunicationError {
  constructor(
    message: string,
    /** The wire id the daemon refused. */
    readonly serializerId: number,
  ) {
    super(message);
  }
}

/** A daemon answered the handshake in another protocol than the one spoken to it. */
export class ProtocolMismatchError extends CommunicationError {
  constructor(
    message: string,
    /** The wire format the daemon answered in. */
    readonly answeredIn: WireFormat,
  ) {
    super(message);
  }
}

/** An open, handshaken connection to a daemon. */
export class Channel implements ConnectionHandler {
  /** True when the daemon takes many requests at once on this connection (a pyrots daemon). */
  multiplex = false;
  /** The largest batch of remote iterator items the daemon hands out (its `SBAT` answer, a pyrots daemon), or 0: one item per call. */
  streamBatch = 0;
  /** How many requests may be in flight at once on this connection (the daemon's window, at most 65,535). */
  private window = 1;
  /** Metadata from the handshake, when asked for. */
  metadata: RemoteMetadata | undefined;
  /** The daemon's handshake response data. */
  handshakeResponse: unknown;
  /** The annotations of the daemon's handshake reply. */
  private handshakeAnnotations: ReadonlyMap<string, Uint8Array> | undefined;
  /** Calls sent and waiting for their reply, by sequence number. */
  readonly inFlight = new Map<number, PendingCall>();
  /** How calls are signed as they leave: the settings' HMAC, or the sealed signing agreed in the handshake. */
  private signing: MessageSigning | undefined;
  /** The nonce this side offered for sealed signing (with an HMAC key). */
  private sealNonce: string | undefined;
  /** Calls waiting to be sent (the daemon's window is full; Pyro4 daemons take one at a time). */
  private readonly waiting: PendingCall[] = [];
  private closedError: Error | undefined;
  private handshakeWaiter: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private lastSeq = 0;
  /** Calls in `inFlight` that the caller gave up on (timed out, aborted), whose late answers we wait for. */
  private abandonedInFlight = 0;
  /** Whether the connection currently keeps the process alive (see {@link updateHold}). */
  private holding = true;
  /** Called once when the channel closes, so the proxy forgets it. */
  onClosed: ((channel: Channel) => void) | undefined;
  /**
   * Receives the calls still waiting when the channel closes: they never reached the daemon, so
   * the proxy may send them on another connection. Without it they fail.
   */
  onUnsent: ((calls: PendingCall[]) => void) | undefined;

  /**
   * Calls that picked this channel and are about to submit: they count as load, so that callers
   * choosing a channel in the meantime spread over a pool instead of piling onto one.
   */
  claims = 0;

  private constructor(
    private readonly connection: Connection,
    private readonly what: string,
    private readonly settings: ProxySettings,
    private readonly decodeContext: DecodeContext,
    /** The protocol this channel speaks. */
    readonly protocol: PyroProtocol,
  ) {
    this.signing = settings.signing;
  }

  /** Connects, sends CONNECT and waits for CONNECTOK. */
  static async open(options: ChannelOptions): Promise<Channel> {
    const { settings, what } = options;
    const tls = settings.tls && options.servername ? { ...settings.tls, servername: options.servername } : settings.tls;
    const protocol = options.protocol;
    const pyro4 = protocol === PYRO4;
    if (!pyro4 && settings.signing) {
      throw new CommunicationError(
        `cannot speak ${protocol.name} to ${what} with an HMAC key: only Pyro4's protocol has HMAC (unset HMAC_KEY and use TLS, or PROTOCOL=pyro4)`,
      );
    }
    const socket = await settings.network.dial(options.address, what, settings.timeout, tls);
    // The first answer may come in the other protocol (a refusal of this one): read either.
    const connection = new Connection(socket, settings.receiveLimits, settings.signing, "detect", settings.wireLog);
    const channel = new Channel(connection, what, settings, options.decodeContext, protocol);
    channel.connection.start(channel);
    // Pyro5 always sends the object id and always gets the metadata.
    const metadata = settings.config.metadata || !pyro4;
    const flags = metadata && pyro4 ? Flags.META_ON_CONNECT : 0;
    const payload: Record<string, unknown> = metadata ? { handshake: settings.handshake, object: options.objectId } : { handshake: settings.handshake };
    // With a key, offer a pyrots daemon to seal the messages (see protocol/seal.ts); Pyro4 ignores the offer.
    if (settings.signing) payload[SEAL_KEY] = channel.sealNonce = newSealNonce();
    const done = new Promise<void>((resolve, reject) => (channel.handshakeWaiter = { resolve, reject }));
    let timer: NodeJS.Timeout | undefined;
    if (settings.timeout > 0) {
      timer = setTimeout(() => {
        // A TimeoutError, as Pyro4 raises for a daemon that accepts the connection but never answers.
        channel.handshakeWaiter?.reject(
          new TimeoutError(`handshake with ${what} timed out after ${settings.timeout} s: the daemon accepted the connection but did not answer`),
        );
        channel.close();
      }, settings.timeout * 1000);
    }
    channel.connection.send(
      valueFrame({ type: MessageType.CONNECT, flags, seq: 0, signing: settings.signing, wire: protocol.wire }, options.serializer, payload),
    );
    try {
      await done;
      if (settings.validateHandshake) await settings.validateHandshake(channel.handshakeResponse, channel.handshakeInfo());
    } catch (error) {
      channel.close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    channel.updateHold();
    return channel;
  }

  /** What the proxy's `validateHandshake` is told about the daemon. */
  private handshakeInfo(): HandshakeInfo {
    const socket = this.connection.stream as Partial<TLSSocket>;
    const certificate = socket.encrypted && socket.getPeerCertificate ? socket.getPeerCertificate() : undefined;
    return { annotations: this.handshakeAnnotations ?? new Map(), ...(certificate ? { certificate } : {}) };
  }

  /** True when the connection is gone. */
  get closed(): boolean {
    return this.closedError !== undefined || this.connection.closed;
  }

  /** Number of calls sent or queued and not yet answered. */
  get load(): number {
    return this.inFlight.size + this.waiting.length + this.claims;
  }

  /** Sends a call (or queues it until the daemon is free); its reply settles `call`. */
  submit(call: PendingCall): void {
    if (this.closedError) {
      call.fail(connectionLost(this.closedError, this.what));
      return;
    }
    if (call.oneway) {
      this.connection.send(this.stamp(call.frame!, this.nextSeq()));
      call.frame = undefined;
      call.succeed(null);
      return;
    }
    if (this.inFlight.size < this.window) this.transmit(call);
    else this.waiting.push(call);
    if (!this.holding) this.updateHold();
  }

  /**
   * Sends a oneway call's frame at once when the connection is open (oneway calls never wait for
   * the window); false, sending nothing, when it is closed (the caller then fails the call).
   */
  sendOneway(frame: Frame): boolean {
    if (this.closedError) return false;
    this.connection.send(this.stamp(frame, this.nextSeq()));
    return true;
  }

  /**
   * Gives up on a call that timed out or was aborted (the caller has already failed it). A queued
   * call is just dropped. One already sent keeps its place until the daemon's late answer arrives
   * (and is ignored): the daemon is still running it, so it still counts against the daemon's
   * window. On an in-order connection (Pyro4) that late answer would be taken for the next call's,
   * so the connection is closed; the calls queued behind it go to a new connection.
   */
  abandon(call: PendingCall): void {
    const queued = this.waiting.indexOf(call);
    if (queued >= 0) {
      this.waiting.splice(queued, 1);
    } else if (this.inFlight.get(call.seq) === call) {
      if (!this.multiplex) {
        this.close();
        return;
      }
      this.abandonedInFlight++;
    }
    this.updateHold();
  }

  /** Closes the connection; calls in flight fail with ConnectionClosedError, queued ones are handed back. */
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
    if (call.done) {
      // The late answer to a call its caller gave up on.
      this.abandonedInFlight--;
    } else {
      try {
        call.settle(message, decodePayload(message, this.decodeContext, this.protocol));
      } catch (error) {
        call.fail(error as Error);
      }
    }
    if (this.waiting.length > 0) this.sendNext();
    if (this.inFlight.size === this.abandonedInFlight) this.updateHold();
  }

  /**
   * Holds the process alive exactly while a call waits on this connection: an idle proxy must
   * not keep a script from ending (a daemon's listening socket does that where it should).
   */
  private updateHold(): void {
    const busy = !this.settings.background && this.inFlight.size - this.abandonedInFlight + this.waiting.length > 0;
    if (busy === this.holding || this.closed) return;
    this.holding = busy;
    this.connection.holdProcess(busy);
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
    const inFlight = [...this.inFlight.values()];
    const unsent = this.waiting.splice(0);
    this.inFlight.clear();
    // One error per call: each gets its own caller's frames added (see proxy.ts).
    for (const call of inFlight) call.fail(lostError(error, this.what));
    if (this.onUnsent && unsent.length > 0) this.onUnsent(unsent);
    else for (const call of unsent) call.fail(lostError(error, this.what));
    this.onClosed?.(this);
  }

  private transmit(call: PendingCall): void {
    const seq = this.nextSeq();
    call.seq = seq;
    this.inFlight.set(seq, call);
    this.connection.send(this.stamp(call.frame!, seq));
    call.frame = undefined;
  }

  /** The next sequence number not in use on this connection (the window keeps one free). */
  private nextSeq(): number {
    let seq = (this.lastSeq + 1) & 0xffff;
    while (this.inFlight.has(seq)) seq = (seq + 1) & 0xffff;
    this.lastSeq = seq;
    return seq;
  }

  /** Gives a frame its sequence number and, with a key, its signature (sealed signing covers the number); returns it. */
  private stamp(frame: Frame, seq: number): Frame {
    this.protocol.wire.rewriteSeq(Array.isArray(frame) ? frame[0] : frame, seq);
    if (this.signing) signFrame(frame, this.signing);
    return frame;
  }

  private sendNext(): void {
    const next = this.waiting.shift();
    if (next) this.transmit(next);
  }

  private protocolFailure(error: PyroError): void {
    this.connection.destroy();
    this.onClose(error);
  }

  /** The error for a handshake answered in `answeredIn`, with the daemon's reason when it is text. */
  private mismatch(answeredIn: WireFormat, message: Message): ProtocolMismatchError {
    let reason = "";
    if (message.type === MessageType.CONNECTFAIL && message.serializerId === SerializerId.MARSHAL) {
      try {
        reason = `: "${decodeMarshalString(payloadOf(message, this.decodeContext.limits)).slice(0, 200)}"`;
      } catch {
        // an unreadable reason is left out
      }
    }
    return new ProtocolMismatchError(
      `${this.what} answered in ${answeredIn.name}'s protocol (${answeredIn.version}) to ${this.protocol.name}'s (${this.protocol.wire.version})${reason}`,
      answeredIn,
    );
  }

  private handshakeReply(message: Message): void {
    const waiter = this.handshakeWaiter!;
    this.handshakeWaiter = undefined;
    try {
      const answeredIn = this.connection.wire!;
      if (answeredIn !== this.protocol.wire) throw this.mismatch(answeredIn, message);
      if (message.type === MessageType.CONNECTFAIL) throw rejected(this.what, message, this.decodeContext, this.protocol);
      if (message.type !== MessageType.CONNECTOK) throw new ProtocolError(`expected a handshake reply from ${this.what}, got message type ${message.type}`);
      const data = decodePayload(message, this.decodeContext, this.protocol);
      this.handshakeAnnotations = message.annotations;
      const multiplex = message.annotations?.get(Annotation.MULTIPLEX);
      if (multiplex !== undefined) {
        this.multiplex = true;
        const window = Number(Buffer.from(multiplex).toString("latin1"));
        this.window = Number.isInteger(window) && window > 0 ? Math.min(window, MAX_IN_FLIGHT) : window === 0 ? MAX_IN_FLIGHT : 1;
      }
      const streamBatch = message.annotations?.get(Annotation.STREAM_BATCH);
      if (streamBatch !== undefined) {
        const most = Number(Buffer.from(streamBatch).toString("latin1"));
        this.streamBatch = Number.isInteger(most) && most > 1 ? Math.min(most, MAX_STREAM_BATCH) : 0;
      }
      if (this.protocol !== PYRO4) {
        // Pyro5's CONNECTOK is always {handshake, meta}.
        const reply = (isRecord(data) ? data : {}) as { handshake?: unknown; meta?: unknown };
        this.handshakeResponse = reply.handshake;
        // With METADATA off the proxy does without, as with Pyro4 (the daemon sends it anyway).
        if (this.settings.config.metadata) this.metadata = metadataFrom(isRecord(reply.meta) ? reply.meta : undefined);
      } else if (message.flags & Flags.META_ON_CONNECT) {
        const reply = (isRecord(data) ? data : {}) as { handshake?: unknown; meta?: unknown };
        this.handshakeResponse = reply.handshake;
        // A daemon that answers a sealing offer sends the map even when no metadata was asked for.
        if (this.settings.config.metadata || isRecord(reply.meta)) this.metadata = metadataFrom(isRecord(reply.meta) ? reply.meta : undefined);
        const daemonNonce = this.sealNonce !== undefined ? sealNonceIn(reply) : undefined;
        if (daemonNonce !== undefined) {
          this.signing = Object.freeze({ key: sealKeyFor(this.settings.hmacKey!, this.sealNonce!, daemonNonce), sealed: true });
          this.connection.signWith(this.signing);
        }
      } else {
        this.handshakeResponse = data;
      }
      waiter.resolve();
    } catch (error) {
      waiter.reject(error as Error);
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Decodes a reply payload with the serializer the reply names (of `protocol`). */
function decodePayload(message: Message, context: DecodeContext, protocol: PyroProtocol): unknown {
  const payload = payloadOf(message, context.limits);
  if (message.serializerId === SerializerId.MARSHAL) return decodeMarshalString(payload);
  return protocol.serializerById(message.serializerId).decode(payload, context);
}

/** Builds the metadata sets from a handshake's `meta` map. */
export function metadataFrom(
  meta: { methods?: unknown; oneway?: unknown; attrs?: unknown; idempotent?: unknown; instance_mode?: unknown } | undefined,
): RemoteMetadata {
  // Pyro5 daemons send Python sets, which serpent keeps as sets.
  const names = (value: unknown) => {
    const items = Array.isArray(value) ? value : value instanceof Set ? [...(value as Set<unknown>)] : [];
    return new Set(items.filter((v): v is string => typeof v === "string"));
  };
  const mode = meta?.instance_mode;
  return {
    methods: names(meta?.methods),
    oneway: names(meta?.oneway),
    attrs: names(meta?.attrs),
    idempotent: names(meta?.idempotent),
    instanceMode: mode === "single" || mode === "session" || mode === "percall" ? mode : undefined,
  };
}

function rejected(what: string, message: Message, context: DecodeContext, protocol: PyroProtocol): CommunicationError {
  let reason: string;
  try {
    const decoded = decodePayload(message, context, protocol);
    // Only text is shown: anything else from the peer is not ours to convert.
    reason = typeof decoded === "string" ? decoded : "(a reason that is not text)";
  } catch (error) {
    reason = error instanceof SerializeError ? "(unreadable reason)" : error instanceof Error ? error.message : "(unreadable reason)";
  }
  const refused = /serializer that is not accepted: (\d+)\b/.exec(reason);
  if (refused) {
    const hint =
      " — leave the proxy's serializer unset and pyrots picks one the daemon accepts, or choose one it accepts (Python Pyro4 daemons accept serpent and json by default)";
    return new SerializerRefusedError(`connection to ${what} rejected: ${reason}${hint}`, Number(refused[1]));
  }
  const unknown =
    reason === "unknown object"
      ? " — the daemon is running but serves no object with this id: check the object id in the URI (servers print their URIs; `pyro-nsc list` shows registered ones)"
      : "";
  return new CommunicationError(`connection to ${what} rejected: ${reason}${unknown}`);
}

/**
 * What a call gets when its connection is gone: a new error for each call (each gets its own
 * caller's frames added). An over-limit reply stays a MessageTooLargeError, as with Pyro4, rather
 * than a closed connection caused by it.
 */
function lostError(error: Error | undefined, what: string): PyroError {
  if (!(error instanceof MessageTooLargeError)) return connectionLost(error, what);
  return new MessageTooLargeError(`${error.message} (MAX_MESSAGE_SIZE: raise it with the proxy option maxMessageSize if such replies are expected)`, {
    cause: error,
  });
}
