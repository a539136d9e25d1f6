/**
 * One connection from a proxy to a daemon: the handshake, then calls matched to replies.
 *
 * A pyrots daemon announces during the handshake that it answers out of order; calls are then
 * all written at once and matched to replies by sequence number. A Pyro4 daemon answers one
 * request at a time, in order, so calls wait in a queue and leave one by one.
 *
 * A channel speaks one protocol, Pyro4's 48 or Pyro5's 502, chosen before it opens. It reads the
 * daemon's first answer in either: a daemon that answers in the other one (a Pyro5 daemon refuses
 * protocol 48 in 502) fails the handshake with a `ProtocolMismatchError`, and the proxy may
 * open a new channel in that protocol. What the handshake's messages mean is handshake.ts; which
 * calls are where, calls-in-flight.ts.
 */
import { CommunicationError, ConnectionClosedError, MessageTooLargeError, ProtocolError, PyroError, SecurityError, TimeoutError } from "../errors.js";
import { MessageType } from "../protocol/constants.js";
import { type MessageSigning, signFrame } from "../protocol/hmac.js";
import type { Message } from "../protocol/message.js";
import { PYRO4, type PyroProtocol } from "../serializers/protocols.js";
import type { DecodeContext, Serializer } from "../serializers/types.js";
import { Connection, type ConnectionHandler, connectionLost } from "../transport/connection.js";
import { type Frame, valueFrame } from "../transport/outgoing.js";
import type { ListenAddress } from "../transport/socket.js";
import type { TLSSocket } from "node:tls";
import { connectRequest, readHandshakeReply } from "./handshake.js";
import type { RemoteMetadata } from "./metadata.js";
import type { HandshakeInfo } from "./options.js";
import type { PendingCall } from "./pending.js";
import { decodeReplyPayload } from "./reply-payload.js";
import { CallsInFlight } from "./calls-in-flight.js";
import type { ProxySettings } from "./settings.js";

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

/** An open, handshaken connection to a daemon. */
export class Channel implements ConnectionHandler {
  /** True when the daemon takes many requests at once on this connection (a pyrots daemon). */
  multiplex = false;
  /** The largest batch of remote iterator items the daemon hands out (its `SBAT` answer, a pyrots daemon), or 0: one item per call. */
  streamBatch = 0;
  /** Metadata from the handshake, when asked for. */
  metadata: RemoteMetadata | undefined;
  /** The daemon's handshake response data. */
  handshakeResponse: unknown;
  /** The annotations of the daemon's handshake reply. */
  private handshakeAnnotations: ReadonlyMap<string, Uint8Array> | undefined;
  /** Calls sent and waiting for their reply, and calls queued until the window has room. */
  private readonly calls = new CallsInFlight();
  /** How calls are signed as they leave: the settings' HMAC, or the sealed signing agreed in the handshake. */
  private signing: MessageSigning | undefined;
  /** The nonce this side offered for sealed signing (with an HMAC key). */
  private sealNonce: string | undefined;
  private closedError: Error | undefined;
  private handshakeWaiter: { resolve: () => void; reject: (error: Error) => void } | undefined;
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
    if (protocol !== PYRO4 && settings.signing) {
      throw new CommunicationError(
        `cannot speak ${protocol.name} to ${what} with an HMAC key: only Pyro4's protocol has HMAC (unset HMAC_KEY and use TLS, or PROTOCOL=pyro4)`,
      );
    }
    const socket = await settings.network.dial(options.address, what, settings.timeout, tls);
    // The first answer may come in the other protocol (a refusal of this one): read either.
    const connection = new Connection(socket, settings.receiveLimits, settings.signing, "detect", settings.wireLog);
    const channel = new Channel(connection, what, settings, options.decodeContext, protocol);
    channel.connection.start(channel);
    const { flags, payload, sealNonce } = connectRequest(settings, options.objectId, protocol);
    channel.sealNonce = sealNonce;
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
    return this.calls.load + this.claims;
  }

  /** Sends a call (or queues it until the daemon is free); its reply settles `call`. */
  submit(call: PendingCall): void {
    if (this.closedError) {
      call.fail(connectionLost(this.closedError, this.what));
      return;
    }
    if (call.oneway) {
      this.connection.send(this.stamp(call.frame!, this.calls.nextSeq()));
      call.frame = undefined;
      call.succeed(null);
      return;
    }
    if (this.calls.hasRoom) this.transmit(call);
    else this.calls.queue(call);
    if (!this.holding) this.updateHold();
  }

  /**
   * Sends a oneway call's frame at once when the connection is open (oneway calls never wait for
   * the window); false, sending nothing, when it is closed (the caller then fails the call).
   */
  sendOneway(frame: Frame): boolean {
    if (this.closedError) return false;
    this.connection.send(this.stamp(frame, this.calls.nextSeq()));
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
    if (this.calls.abandon(call) === "sent" && !this.multiplex) {
      this.close();
      return;
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
    const call = this.calls.takeAnswered(message.seq);
    if (call === undefined) {
      // On an in-order connection an unknown seq means we are out of step with the daemon.
      if (!this.multiplex) this.protocolFailure(new ProtocolError("reply sequence out of sync"));
      return;
    }
    if (!call.done) {
      try {
        call.settle(message, decodeReplyPayload(message, this.decodeContext, this.protocol));
      } catch (error) {
        call.fail(error as Error);
      }
    }
    if (this.calls.hasQueued) this.sendNext();
    if (this.calls.onlyAbandoned) this.updateHold();
  }

  /**
   * Holds the process alive exactly while a call waits on this connection: an idle proxy must
   * not keep a script from ending (a daemon's listening socket does that where it should).
   */
  private updateHold(): void {
    const busy = !this.settings.background && this.calls.busy;
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
    const { sent: inFlight, queued: unsent } = this.calls.drain();
    // One error per call: each gets its own caller's frames added (see proxy.ts).
    for (const call of inFlight) call.fail(lostError(error, this.what));
    if (this.onUnsent && unsent.length > 0) this.onUnsent(unsent);
    else for (const call of unsent) call.fail(lostError(error, this.what));
    this.onClosed?.(this);
  }

  private transmit(call: PendingCall): void {
    const seq = this.calls.addSent(call);
    this.connection.send(this.stamp(call.frame!, seq));
    call.frame = undefined;
  }

  /** Gives a frame its sequence number and, with a key, its signature (sealed signing covers the number); returns it. */
  private stamp(frame: Frame, seq: number): Frame {
    this.protocol.wire.rewriteSeq(Array.isArray(frame) ? frame[0] : frame, seq);
    if (this.signing) signFrame(frame, this.signing);
    return frame;
  }

  private sendNext(): void {
    const next = this.calls.takeQueued();
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
      const accepted = readHandshakeReply(message, this.connection.wire!, {
        what: this.what,
        protocol: this.protocol,
        decodeContext: this.decodeContext,
        settings: this.settings,
        sealNonce: this.sealNonce,
      });
      this.handshakeAnnotations = accepted.annotations;
      this.multiplex = accepted.multiplex;
      this.calls.window = accepted.window;
      this.streamBatch = accepted.streamBatch;
      this.metadata = accepted.metadata;
      this.handshakeResponse = accepted.response;
      if (accepted.sealedSigning !== undefined) {
        this.signing = accepted.sealedSigning;
        this.connection.signWith(this.signing);
      }
      waiter.resolve();
    } catch (error) {
      waiter.reject(error as Error);
    }
  }
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
