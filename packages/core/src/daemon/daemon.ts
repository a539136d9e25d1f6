/**
 * The daemon engine: hosts exposed objects over TCP or a Unix socket and answers Pyro4 protocol 48.
 */
import type net from "node:net";
import { performance } from "node:perf_hooks";
import type { PyroConfig } from "../config.js";
import { DaemonError, PyroError } from "../errors.js";
import { DAEMON_OBJECT_ID } from "../protocol/constants.js";
import { ProxyRef } from "../serializers/values.js";
import { Connection } from "../transport/connection.js";
import { reachableHost } from "../transport/addresses.js";
import type { Acceptor, ListenAddress, Listener } from "../transport/socket.js";
import { URI } from "../uri.js";
import type { DaemonActivity } from "../instruments.js";
import { ConnectionTable, Slot } from "./admission.js";
import { ClientConnection, type ClientServices } from "./client.js";
import { DaemonObject } from "./daemon-object.js";
import { DRAIN_CONNECT_REFUSAL, type DaemonState, type DrainOutcome, type DrainState, waitUntilQuiet } from "./drain.js";
import { ObjectRegistry, type ObjectMetadata, type RegisteredObject } from "./registry.js";
import type { DaemonSettings } from "./settings.js";
import { StreamRegistry } from "./streams.js";
import { WorkCounter } from "./work.js";
import { debugLog } from "../debug.js";

const log = debugLog("pyrots:daemon");

export type { DaemonState, DrainOutcome } from "./drain.js";

/** Options of {@link DaemonServer.register}. */
export interface RegisterOptions {
  /** Replace an existing registration with the same id or target. */
  force?: boolean;
}

/** Counts of what a daemon is doing and has moved, for diagnostics and metrics. */
export type DaemonStats = DaemonActivity;

/** Where a daemon listens: a TCP port on the configured host, or a Unix socket path. */
export type DaemonAddress = { port: number } | { unixSocket: string };

/**
 * Clients refused for want of a slot get a short while to send their CONNECT and read why (as
 * Pyro4 tells them); this many at most, beyond which they are dropped at once.
 */
const MAX_REFUSING = 64;
/** Seconds a refused client has for that. */
const REFUSE_GRACE = 2;

/**
 * The daemon engine: listens, accepts client connections and serves registered objects. The
 * public `Daemon` (endpoints/daemon.ts) wraps it with what only the layers above know (making
 * proxies from callbacks, the name server).
 */
export class DaemonServer implements Acceptor {
  /** The effective configuration. */
  readonly config: PyroConfig;
  /** Open remote iterators. */
  readonly streams: StreamRegistry;
  private readonly registry: ObjectRegistry;
  /** Connection slots, counted from the TCP accept. */
  private readonly table: ConnectionTable;
  private readonly work = new WorkCounter();
  private readonly drainState: DrainState = { draining: false, lastArrival: 0 };
  private draining: Promise<DrainOutcome> | undefined;
  private readonly services: ClientServices;
  /** Client connections past their TLS handshake (or plain ones), admitted or being refused. */
  private readonly clients = new Set<ClientConnection>();
  /** The slot of each accepted socket not yet ready for Pyro (its TLS handshake is running). */
  private readonly pending = new Map<net.Socket, Slot>();
  private refusing = 0;
  /** Every accepted socket still open (their byte counts are the daemon's traffic). */
  private readonly sockets = new Set<net.Socket>();
  /** Bytes moved by sockets already closed. */
  private closedBytesReceived = 0;
  private closedBytesSent = 0;
  private listener: Listener | undefined;
  private closing: Promise<void> | undefined;
  /** False until requestLoop() when the daemon serves from its request loop (`serveFrom: "requestLoop"`). */
  private serving: boolean;
  /**
   * Sockets accepted before the request loop started, waiting unanswered as in a listen backlog
   * (no slot, no handshake clock yet), each with its stream once ready (for TLS: after the TLS handshake).
   */
  private readonly waiting = new Map<net.Socket, net.Socket | undefined>();
  private stopped!: Promise<void>;
  private markStopped!: () => void;

  private constructor(readonly settings: DaemonSettings) {
    this.config = settings.config;
    this.serving = settings.serveFrom === "create";
    this.registry = new ObjectRegistry(this.config.autoProxy ? (id) => this.proxyFor(id) : undefined);
    const { maxConnections, maxConnectionsPerHost, maxIterStreams } = this.config;
    this.table = new ConnectionTable({ maxConnections, maxPerHost: maxConnectionsPerHost });
    this.streams = new StreamRegistry({
      lifetime: this.config.iterStreamLifetime,
      linger: this.config.iterStreamLinger,
      perOwner: maxIterStreams,
      total: maxIterStreams > 0 && maxConnections > 0 ? maxIterStreams * maxConnections : 0,
    });
    this.services = {
      settings,
      objects: this.registry,
      streams: this.streams,
      work: this.work,
      stamps: this.table,
      drain: this.drainState,
      clientClosed: (client) => this.clients.delete(client),
    };
    this.stopped = new Promise((resolve) => (this.markStopped = resolve));
    this.registry.register(new DaemonObject(this.introspection()), DAEMON_OBJECT_ID, false);
  }

  /** Creates a daemon engine with `settings` and binds its socket. */
  static async start(settings: DaemonSettings, where: DaemonAddress): Promise<DaemonServer> {
    const daemon = new DaemonServer(settings);
    const address: ListenAddress = "unixSocket" in where ? { path: where.unixSocket } : { host: daemon.config.host, port: where.port };
    daemon.listener = await settings.network.bind(address, daemon, settings.tls);
    settings.instrument?.daemonStarted?.(daemon);
    return daemon;
  }

  /** The daemon's location as used in URIs: `host:port`, `[v6]:port` or `./u:path`. */
  get locationStr(): string {
    const address = this.boundAddress();
    if ("path" in address) return `./u:${address.path}`;
    return address.host.includes(":") ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
  }

  /** The TCP port the daemon listens on (undefined for Unix sockets). */
  get port(): number | undefined {
    const address = this.boundAddress();
    return "port" in address ? address.port : undefined;
  }

  /** Ids of all registered objects. */
  get objectIds(): string[] {
    return [...this.registry.byId.keys()];
  }

  /** @internal */
  get objects(): ReadonlyMap<string, RegisteredObject> {
    return this.registry.byId;
  }

  /**
   * Registers a class (instances made per its `@behavior` instance mode) or an instance (served
   * as is). Returns the object's URI. The id defaults to `obj_<uuid hex>`.
   */
  register(target: object, objectId?: string, options: RegisterOptions = {}): URI {
    if (objectId === DAEMON_OBJECT_ID) throw new DaemonError(`the id ${DAEMON_OBJECT_ID} is reserved`);
    const entry = this.registry.register(target, objectId, options.force ?? false);
    return this.uriFor(entry.id);
  }

  /** Removes a registration by id, class or instance. `Pyro.Daemon` cannot be removed. */
  unregister(targetOrId: object | string): void {
    if (targetOrId === DAEMON_OBJECT_ID) return;
    this.registry.unregister(targetOrId);
  }

  /** The URI of a registered object (by id, class or instance). */
  uriFor(targetOrId: object | string): URI {
    const id = typeof targetOrId === "string" ? targetOrId : this.registry.idOf(targetOrId);
    if (id === undefined || !this.registry.byId.has(id)) {
      throw new DaemonError(
        typeof targetOrId === "string" ? `no object is registered with id ${JSON.stringify(targetOrId)}` : "object isn't registered in this daemon",
      );
    }
    const address = this.boundAddress();
    if ("path" in address) return new URI({ protocol: "PYRO", object: id, sockname: address.path });
    // Bound to every interface, a URI must still name one that clients can reach.
    const host = this.config.natHost ?? reachableHost(address.host);
    const port = this.config.natHost ? this.config.natPort || address.port : address.port;
    return new URI({ protocol: "PYRO", object: id, host, port });
  }

  /**
   * A reference to a registered object that carries its metadata: pass it to `new Proxy(...)`,
   * or return it from a remote method to hand the caller a proxy (Pyro's autoproxy).
   */
  proxyFor(targetOrId: object | string): ProxyRef {
    const uri = this.uriFor(targetOrId);
    const meta = this.registry.metadataOf(uri.object);
    return new ProxyRef({ uri, oneway: meta.oneway, methods: meta.methods, attrs: meta.attrs });
  }

  /** Exposed methods, oneway methods and attributes of a registered object. */
  metadataOf(objectId: unknown): ObjectMetadata {
    return this.registry.metadataOf(objectId);
  }

  /**
   * Resolves once the daemon has shut down (after {@link shutdown}). A daemon made with
   * `serveFrom: "requestLoop"` starts answering here, the connections that waited first.
   */
  requestLoop(): Promise<void> {
    if (!this.serving && !this.closing) {
      this.serving = true;
      const waiting = [...this.waiting];
      this.waiting.clear();
      for (const [raw, stream] of waiting) {
        if (raw.destroyed) continue;
        this.accepted(raw);
        if (stream !== undefined && !raw.destroyed) this.ready(stream, raw);
      }
    }
    return this.stopped;
  }

  /** `serving`, `draining` (see {@link drain}) or `stopped` (shut down, or shutting down). */
  get state(): DaemonState {
    return this.closing ? "stopped" : this.drainState.draining ? "draining" : "serving";
  }

  /**
   * Starts draining: new connections and new calls are refused in a way clients recognise as "not
   * run, go elsewhere" (see `drain.ts`), while the calls in flight finish and open remote iterators
   * are read to their end or closed. Resolves when both are done, or after `timeoutSeconds`
   * (0 = no bound), whichever comes first. Does not close anything: {@link shutdown} does.
   * Idempotent (a second call gets the first one's outcome).
   */
  drain(timeoutSeconds: number): Promise<DrainOutcome> {
    if (!this.drainState.draining) this.drainState.lastArrival = performance.now();
    this.drainState.draining = true;
    if (log.enabled) log(`${this.locationStr}: draining (${this.work.size} calls in flight, ${this.streams.size} streams open)`);
    const probe = () => ({
      calls: this.work.size,
      streams: this.streams.size,
      connections: this.clients.size,
      sinceArrival: performance.now() - this.drainState.lastArrival,
      stopped: this.closing !== undefined,
    });
    this.draining ??= waitUntilQuiet(probe, timeoutSeconds);
    return this.draining;
  }

  /**
   * Stops accepting connections, lets calls in flight finish and answer (unless `abandonCalls`:
   * after a drain that ran out of time, their answers are dropped), then closes every connection.
   * Idempotent.
   */
  shutdown(options: { abandonCalls?: boolean } = {}): Promise<void> {
    this.closing ??= this.doShutdown(options.abandonCalls ?? false);
    return this.closing;
  }

  /** What the daemon is doing right now: open connections, remote iterators, calls running. */
  get stats(): DaemonStats {
    let sessions = 0;
    for (const client of this.clients) sessions += client.session.sessionCount;
    let bytesReceived = this.closedBytesReceived;
    let bytesSent = this.closedBytesSent;
    for (const socket of this.sockets) {
      bytesReceived += socket.bytesRead;
      bytesSent += socket.bytesWritten;
    }
    return { connections: this.table.size, streams: this.streams.size, sessions, callsInFlight: this.work.size, bytesReceived, bytesSent };
  }

  // ---- Acceptor: the listener's connections ----

  /** @internal A socket was accepted: it takes a slot (or is refused) and its handshake clock starts. */
  accepted(raw: net.Socket): void {
    if (log.enabled) log(`${raw.remoteAddress ?? "unix"}:${raw.remotePort ?? ""} connected to ${this.locationStr}`);
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
      const timeout = this.config.handshakeTimeout;
      slot.startHandshakeClock(timeout, () => log.enabled && log(`${raw.remoteAddress ?? "unix"}: no handshake within ${timeout} s, closing`));
    }
    this.pending.set(raw, slot);
    // One listener does all the bookkeeping: each listener costs memory for as long as the
    // connection lives, and a daemon may hold thousands of idle ones ("close" comes once, and
    // `on` spares the wrapper `once` makes).
    raw.on("close", () => this.socketClosed(raw, slot));
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
    const connection = new Connection(
      stream,
      { maxMessageSize: this.settings.handshakeMessageLimit, messageTimeout: this.config.messageTimeout },
      this.settings.signing,
      // Pyro4 and Pyro5 clients share the port: the first message's version decides.
      "detect",
      this.settings.wireLog,
    );
    const refusal = slot.refusal ?? (this.drainState.draining ? DRAIN_CONNECT_REFUSAL : undefined);
    const client = new ClientConnection(connection, this.services, slot, refusal);
    if (slot.refusal === undefined) slot.holder = client.session;
    // The client leaves `clients` through `services.clientClosed` when its connection closes.
    this.clients.add(client);
    connection.start(client);
    const idleTimeout = this.config.idleTimeout;
    if (idleTimeout > 0) {
      stream.setTimeout(idleTimeout * 1000);
      stream.on("timeout", () => client.idle());
    }
  }

  /** @internal */
  tlsFailed(error: Error, raw: net.Socket | undefined): void {
    if (log.enabled) log(`${raw?.remoteAddress ?? "unix"}: TLS handshake failed: ${error.message}`);
  }

  /** Keeps a socket unanswered until the request loop starts (at most MAX_CONNECTIONS of them). */
  private hold(raw: net.Socket): void {
    const { maxConnections } = this.config;
    if (maxConnections > 0 && this.waiting.size >= maxConnections) {
      raw.destroy();
      return;
    }
    this.waiting.set(raw, undefined);
    raw.once("close", () => this.waiting.delete(raw));
    // Errors (a client giving up) must not go unhandled while nobody reads the socket.
    raw.on("error", () => undefined);
  }

  private async doShutdown(abandonCalls: boolean): Promise<void> {
    const server = this.listener?.server;
    const serverClosed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    // Read no more requests: under steady load, calls accepted after the wait below would be cut
    // off by the close (their replies dropped, oneways abandoned). Unread ones were never accepted.
    for (const client of this.clients) client.connection.pauseReading();
    for (const raw of this.pending.keys()) raw.destroy();
    for (const raw of this.waiting.keys()) raw.destroy();
    this.waiting.clear();
    if (!abandonCalls) await this.work.idle();
    // Replies of the last calls are queued for the next tick; let them leave first.
    await new Promise((resolve) => setImmediate(resolve));
    for (const client of this.clients) {
      client.connection.close();
      // Read again (a closed connection ignores the bytes) so the peer's end of stream is seen.
      client.connection.stream.resume();
    }
    this.streams.closeAll();
    await serverClosed;
    try {
      this.settings.instrument?.daemonStopped?.(this);
    } catch {
      // a failing instrument must not keep the daemon from stopping
    }
    this.markStopped();
  }

  private boundAddress() {
    if (!this.listener) throw new PyroError("daemon is not bound");
    return this.listener.address;
  }

  private introspection() {
    return {
      registeredIds: () => this.objectIds,
      locationText: () => this.locationStr,
      metadataOf: (objectId: unknown) => this.registry.metadataOf(objectId),
      streams: this.streams,
      maxMessageSize: this.settings.maxMessageSize,
    };
  }
}
