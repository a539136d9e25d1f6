/**
 * The daemon engine: hosts exposed objects over TCP or a Unix socket and answers Pyro4 protocol 48.
 */
import type net from "node:net";
import type { PyroConfig } from "../config.js";
import { DaemonError, PyroError } from "../errors.js";
import { DAEMON_OBJECT_ID } from "../protocol/constants.js";
import { ProxyRef } from "../serializers/values.js";
import { Connection } from "../transport/connection.js";
import { reachableHost } from "../transport/addresses.js";
import { type ListenAddress, type Listener, listen } from "../transport/socket.js";
import { URI } from "../uri.js";
import { ClientConnection, type DaemonCore } from "./client.js";
import { DaemonObject } from "./daemon-object.js";
import type { ClientInfo } from "./options.js";
import { ObjectRegistry, type RegisteredObject } from "./registry.js";
import type { DaemonSettings } from "./settings.js";
import { StreamRegistry } from "./streams.js";
import { debugLog } from "../debug.js";

const log = debugLog("pyrots:daemon");

/** Options of {@link DaemonServer.register}. */
export interface RegisterOptions {
  /** Replace an existing registration with the same id or target. */
  force?: boolean;
}

/** Counts of what a daemon is doing, for diagnostics and metrics. */
export interface DaemonStats {
  /** Client connections open. */
  readonly connections: number;
  /** Remote iterators open. */
  readonly streams: number;
  /** Instances of `session` mode objects alive (one per connection and object used). */
  readonly sessions: number;
  /** Calls running. */
  readonly callsInFlight: number;
}

/** Where a daemon listens: a TCP port on the configured host, or a Unix socket path. */
export type DaemonAddress = { port: number } | { unixSocket: string };

/**
 * The daemon engine: listens, accepts client connections and serves registered objects. The
 * public `Daemon` (endpoints/daemon.ts) wraps it with what only the layers above know (making
 * proxies from callbacks, the name server).
 */
export class DaemonServer implements DaemonCore {
  /** The effective configuration. */
  readonly config: PyroConfig;
  /** Open remote iterators. */
  readonly streams: StreamRegistry;
  private readonly registry: ObjectRegistry;
  private readonly clients = new Set<ClientConnection>();
  private listener: Listener | undefined;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private closing: Promise<void> | undefined;
  /** False until requestLoop() when the daemon serves from its request loop (`serveFrom: "requestLoop"`). */
  private serving: boolean;
  /** Connections accepted before the request loop started, waiting unanswered (as in a listen backlog). */
  private readonly waiting = new Set<net.Socket>();
  private stopped!: Promise<void>;
  private markStopped!: () => void;

  private constructor(readonly settings: DaemonSettings) {
    this.config = settings.config;
    this.serving = settings.serveFrom === "create";
    this.registry = new ObjectRegistry(this.config.autoProxy ? (id) => this.proxyFor(id) : undefined);
    this.streams = new StreamRegistry({ lifetime: this.config.iterStreamLifetime, linger: this.config.iterStreamLinger });
    this.stopped = new Promise((resolve) => (this.markStopped = resolve));
    this.registry.register(new DaemonObject(this.introspection()), DAEMON_OBJECT_ID, false);
  }

  /** Creates a daemon engine with `settings` and binds its socket. */
  static async start(settings: DaemonSettings, where: DaemonAddress): Promise<DaemonServer> {
    const daemon = new DaemonServer(settings);
    const address: ListenAddress = "unixSocket" in where ? { path: where.unixSocket } : { host: daemon.config.host, port: where.port };
    daemon.listener = await listen(
      address,
      (socket) => daemon.accept(socket),
      settings.tls,
      (error, socket) => log.enabled && log(`${socket.remoteAddress ?? "unix"}: TLS handshake failed: ${error.message}`),
    );
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
    const meta = this.metadataOf(uri.object);
    return new ProxyRef({ uri, oneway: meta.oneway, methods: meta.methods, attrs: meta.attrs });
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
      for (const socket of waiting) if (!socket.destroyed) this.accept(socket);
    }
    return this.stopped;
  }

  /**
   * Stops accepting connections, lets calls in flight finish and answer, then closes every
   * connection. Idempotent.
   */
  shutdown(): Promise<void> {
    this.closing ??= this.doShutdown();
    return this.closing;
  }

  /** What the daemon is doing right now: open connections, remote iterators, calls running. */
  get stats(): DaemonStats {
    let sessions = 0;
    for (const client of this.clients) sessions += client.sessions.size;
    return { connections: this.clients.size, streams: this.streams.size, sessions, callsInFlight: this.inFlight };
  }

  // ---- DaemonCore, used by client connections ----

  /** @internal */
  validateHandshake(client: ClientInfo, data: unknown): unknown {
    const validate = this.settings.validateHandshake;
    return validate ? validate(client, data) : "hello";
  }

  /** @internal */
  metadataOf(objectId: unknown): { methods: string[]; oneway: string[]; attrs: string[] } {
    const entry = typeof objectId === "string" ? this.registry.byId.get(objectId) : undefined;
    if (!entry) throw new DaemonError("unknown object");
    const { methods, oneway, attrs } = entry.members;
    return { methods: [...methods], oneway: [...oneway], attrs: [...attrs] };
  }

  /** @internal */
  requestStarted(): void {
    this.inFlight++;
  }

  /** @internal */
  requestFinished(): void {
    if (--this.inFlight === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  /** @internal */
  clientDisconnecting(client: ClientConnection): void {
    const hook = this.settings.onClientDisconnect;
    if (!hook) return;
    try {
      hook({ address: client.address, trackedResources: [...client.resources] });
    } catch (error) {
      // As Pyro4 ("Error in clientDisconnect"): reported, and the daemon goes on.
      process.stderr.write(`pyrots: error in onClientDisconnect: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
  }

  /** @internal */
  clientClosed(client: ClientConnection): void {
    this.clients.delete(client);
  }

  private accept(socket: net.Socket): void {
    if (log.enabled) log(`${socket.remoteAddress ?? "unix"}:${socket.remotePort ?? ""} connected to ${this.locationStr}`);
    if (this.closing) {
      socket.destroy();
      return;
    }
    if (!this.serving) {
      this.hold(socket);
      return;
    }
    const connection = new Connection(socket, this.settings.maxMessageSize, this.settings.hmacKey);
    const { maxConnections, handshakeTimeout, idleTimeout } = this.config;
    // Like Pyro4's "no free workers", the client learns why at its handshake, then is dropped.
    const denied =
      maxConnections > 0 && this.clients.size >= maxConnections
        ? `too many connections: this daemon serves at most ${maxConnections} (MAX_CONNECTIONS)`
        : undefined;
    const client = new ClientConnection(connection, this, denied, handshakeTimeout);
    this.clients.add(client);
    connection.start(client);
    if (idleTimeout > 0) {
      socket.setTimeout(idleTimeout * 1000);
      socket.on("timeout", () => client.idle());
    }
  }

  /** Keeps a connection unanswered until the request loop starts (at most MAX_CONNECTIONS of them). */
  private hold(socket: net.Socket): void {
    const { maxConnections } = this.config;
    if (maxConnections > 0 && this.waiting.size >= maxConnections) {
      socket.destroy();
      return;
    }
    this.waiting.add(socket);
    socket.once("close", () => this.waiting.delete(socket));
    // Errors (a client giving up) must not go unhandled while nobody reads the socket.
    socket.on("error", () => undefined);
  }

  private async doShutdown(): Promise<void> {
    const server = this.listener?.server;
    const serverClosed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    // Read no more requests: under steady load, calls accepted after the wait below would be cut
    // off by the close (their replies dropped, oneways abandoned). Unread ones were never accepted.
    for (const socket of this.waiting) socket.destroy();
    this.waiting.clear();
    for (const client of this.clients) client.connection.pauseReading();
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    // Replies of the last calls are queued for the next tick; let them leave first.
    await new Promise((resolve) => setImmediate(resolve));
    for (const client of this.clients) {
      client.connection.close();
      // Read again (a closed connection ignores the bytes) so the peer's end of stream is seen.
      client.connection.stream.resume();
    }
    this.streams.closeAll();
    await serverClosed;
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
      metadataOf: (objectId: unknown) => this.metadataOf(objectId),
      streams: this.streams,
    };
  }
}
