/**
 * A daemon's intake of connections: each accepted socket takes a connection slot or is refused
 * (with a short grace to read why), starts its handshake clock, waits unanswered while the daemon
 * is not serving yet, and becomes a client connection once ready for Pyro (for TLS: after its TLS
 * handshake). It also keeps the byte counts of every socket, open or closed.
 */
import type net from "node:net";
import { Connection } from "../transport/connection.js";
import type { Acceptor } from "../transport/socket.js";
import { ConnectionTable, Slot } from "./admission.js";
import { ClientConnection, type ClientServices } from "./client.js";
import { DRAIN_CONNECT_REFUSAL } from "./drain.js";
import { debugLog } from "../debug.js";

const log = debugLog("pyrots:daemon");

/**
 * Clients refused for want of a slot get a short while to send their CONNECT and read why (as
 * Pyro4 tells them); this many at most, beyond which they are dropped at once.
 */
const MAX_REFUSING = 64;
/** Seconds a refused client has for that. */
const REFUSE_GRACE = 2;

/** What the intake needs of its daemon. */
export interface IntakeOptions {
  /** Everything a client connection uses of the daemon (its settings among them). */
  services: ClientServices;
  /** Connection slots, counted from the TCP accept. */
  table: ConnectionTable;
  /** False when the daemon answers only once its request loop starts (`serveFrom: "requestLoop"`). */
  serving: boolean;
  /** The daemon's location, for log lines. */
  where: () => string;
}

/** Accepts a daemon's connections (the listener's {@link Acceptor}) and keeps its clients. */
export class ConnectionIntake implements Acceptor {
  /** Client connections past their TLS handshake (or plain ones), admitted or being refused. */
  readonly clients = new Set<ClientConnection>();
  private readonly services: ClientServices;
  private readonly table: ConnectionTable;
  private readonly where: () => string;
  /** The slot of each accepted socket not yet ready for Pyro (its TLS handshake is running). */
  private readonly pending = new Map<net.Socket, Slot>();
  private refusing = 0;
  /** Every accepted socket still open (their byte counts are the daemon's traffic). */
  private readonly sockets = new Set<net.Socket>();
  /** Bytes moved by sockets already closed. */
  private closedBytesReceived = 0;
  private closedBytesSent = 0;
  private serving: boolean;
  private closing = false;
  /**
   * Sockets accepted before the request loop started, waiting unanswered as in a listen backlog
   * (no slot, no handshake clock yet), each with its stream once ready (for TLS: after the TLS handshake).
   */
  private readonly waiting = new Map<net.Socket, net.Socket | undefined>();

  constructor(options: IntakeOptions) {
    this.services = options.services;
    this.table = options.table;
    this.serving = options.serving;
    this.where = options.where;
  }

  /** Starts answering (the request loop began): the connections that waited go first. */
  startServing(): void {
    if (this.serving || this.closing) return;
    this.serving = true;
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const [raw, stream] of waiting) {
      if (raw.destroyed) continue;
      this.accepted(raw);
      if (stream !== undefined && !raw.destroyed) this.ready(stream, raw);
    }
  }

  /** Bytes received and sent by every socket the daemon accepted, open or closed. */
  traffic(): { bytesReceived: number; bytesSent: number } {
    let bytesReceived = this.closedBytesReceived;
    let bytesSent = this.closedBytesSent;
    for (const socket of this.sockets) {
      bytesReceived += socket.bytesRead;
      bytesSent += socket.bytesWritten;
    }
    return { bytesReceived, bytesSent };
  }

  /**
   * Takes no more connections and reads no more requests: under steady load, calls accepted after
   * the shutdown's wait would be cut off by the close (their replies dropped, oneways abandoned).
   * Unread ones were never accepted. Sockets not yet clients are closed.
   */
  stopAccepting(): void {
    this.closing = true;
    for (const client of this.clients) client.connection.pauseReading();
    for (const raw of this.pending.keys()) raw.destroy();
    for (const raw of this.waiting.keys()) raw.destroy();
    this.waiting.clear();
  }

  /** Closes every client connection (after {@link stopAccepting} and the last replies). */
  closeClients(): void {
    for (const client of this.clients) {
      client.connection.close();
      // Read again (a closed connection ignores the bytes) so the peer's end of stream is seen.
      client.connection.stream.resume();
    }
  }

  /** @internal A socket was accepted: it takes a slot (or is refused) and its handshake clock starts. */
  accepted(raw: net.Socket): void {
    if (log.enabled) log(`${raw.remoteAddress ?? "unix"}:${raw.remotePort ?? ""} connected to ${this.where()}`);
    if (this.closing) {
      raw.destroy();
      return;
    }
    if (!this.serving) {
      this.hold(raw);
      return;
    }
    this.sockets.add(raw);
    const admitted = this.table.admit(raw);
    let slot: Slot;
    if (typeof admitted === "string") {
      if (this.refusing >= MAX_REFUSING) {
        if (log.enabled) log(`${raw.remoteAddress ?? "unix"}: dropped at once: ${admitted}`);
        raw.once("close", () => this.socketClosed(raw, undefined));
        raw.destroy();
        return;
      }
      this.refusing++;
      slot = Slot.refused(raw, admitted);
      slot.startHandshakeClock(REFUSE_GRACE, () => undefined);
    } else {
      slot = admitted;
      const timeout = this.services.settings.config.handshakeTimeout;
      slot.startHandshakeClock(timeout, () => log.enabled && log(`${raw.remoteAddress ?? "unix"}: no handshake within ${timeout} s, closing`));
    }
    this.pending.set(raw, slot);
    // One listener does all the bookkeeping: each listener costs memory for as long as the
    // connection lives, and a daemon may hold thousands of idle ones ("close" comes once, and
    // `on` spares the wrapper `once` makes).
    raw.on("close", () => this.socketClosed(raw, slot));
  }

  /** @internal The socket is ready for Pyro (for TLS: its TLS handshake succeeded). */
  ready(stream: net.Socket, raw: net.Socket | undefined): void {
    if (!this.serving && raw !== undefined && this.waiting.has(raw)) {
      this.waiting.set(raw, stream);
      if (stream !== raw) stream.on("error", () => undefined);
      return;
    }
    const slot = raw === undefined ? undefined : this.pending.get(raw);
    if (raw !== undefined) this.pending.delete(raw);
    if (slot === undefined) {
      if (raw === undefined) process.stderr.write("pyrots: cannot tell which TCP connection a TLS connection belongs to; dropping it\n");
      stream.destroy();
      return;
    }
    // Evicted, or the daemon began shutting down, while its TLS handshake ran.
    if ((slot.released && slot.refusal === undefined) || this.closing) {
      stream.destroy();
      return;
    }
    const { settings } = this.services;
    const connection = new Connection(
      stream,
      { maxMessageSize: settings.handshakeMessageLimit, messageTimeout: settings.config.messageTimeout },
      settings.signing,
      // Pyro4 and Pyro5 clients share the port: the first message's version decides.
      "detect",
      settings.wireLog,
    );
    const refusal = slot.refusal ?? (this.services.drain.draining ? DRAIN_CONNECT_REFUSAL : undefined);
    const client = new ClientConnection(connection, this.services, slot, refusal);
    if (slot.refusal === undefined) slot.holder = client.session;
    // The client leaves `clients` through `services.clientClosed` when its connection closes.
    this.clients.add(client);
    connection.start(client);
    const idleTimeout = settings.config.idleTimeout;
    if (idleTimeout > 0) {
      stream.setTimeout(idleTimeout * 1000);
      stream.on("timeout", () => client.idle());
    }
  }

  /** @internal */
  tlsFailed(error: Error, raw: net.Socket | undefined): void {
    if (log.enabled) log(`${raw?.remoteAddress ?? "unix"}: TLS handshake failed: ${error.message}`);
  }

  /** An accepted socket closed: its byte counts go to the totals, and its slot (if it got one) is freed. */
  private socketClosed(raw: net.Socket, slot: Slot | undefined): void {
    this.sockets.delete(raw);
    this.closedBytesReceived += raw.bytesRead;
    this.closedBytesSent += raw.bytesWritten;
    if (slot === undefined) return;
    slot.stopHandshakeClock();
    this.pending.delete(raw);
    if (slot.refusal !== undefined) this.refusing--;
    else this.table.release(slot);
  }

  /** Keeps a socket unanswered until the request loop starts (at most MAX_CONNECTIONS of them). */
  private hold(raw: net.Socket): void {
    const { maxConnections } = this.services.settings.config;
    if (maxConnections > 0 && this.waiting.size >= maxConnections) {
      raw.destroy();
      return;
    }
    this.waiting.set(raw, undefined);
    raw.once("close", () => this.waiting.delete(raw));
    // Errors (a client giving up) must not go unhandled while nobody reads the socket.
    raw.on("error", () => undefined);
  }
}
