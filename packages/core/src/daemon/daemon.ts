/**
 * The Daemon: hosts exposed objects over TCP or a Unix socket and answers Pyro4 protocol 48.
 */
import type net from "node:net";
import type tls from "node:tls";
import { serverTlsFromConfig } from "../transport/tls-config.js";
import { type PyroConfig, loadConfig } from "../config.js";
import { DaemonError, PyroError } from "../errors.js";
import { DAEMON_OBJECT_ID } from "../protocol/constants.js";
import { serializerByName } from "../serializers/registry.js";
import type { Serializer } from "../serializers/types.js";
import { ProxyRef } from "../serializers/classes.js";
import { Connection } from "../transport/connection.js";
import { type Listener, listen } from "../transport/socket.js";
import { URI } from "../uri.js";
import { ClientConnection, type DaemonCore } from "./client.js";
import { DaemonObject } from "./daemon-object.js";
import type { ClientInfo, DaemonOptions, HandshakeValidator } from "./options.js";
import { ObjectRegistry, type RegisteredObject } from "./registry.js";
import { StreamRegistry } from "./streams.js";
import { debugLog } from "../debug.js";

const log = debugLog("pyrots:daemon");

const DAEMON_OWN_OPTIONS = new Set(["port", "unixSocket", "validateHandshake", "sendTracebacks", "env", "tls"]);

/** Options of {@link Daemon.register}. */
export interface RegisterOptions {
  /** Replace an existing registration with the same id or target. */
  force?: boolean;
}

/**
 * Hosts objects for remote callers.
 *
 * ```ts
 * const daemon = await Daemon.create({ host: "127.0.0.1" });
 * const uri = daemon.register(Worker, "MyWorker");
 * await daemon.requestLoop(); // until daemon.shutdown()
 * ```
 */
export class Daemon implements DaemonCore, AsyncDisposable {
  /** The effective configuration. */
  readonly config: PyroConfig;
  readonly serializers: ReadonlyMap<number, Serializer>;
  readonly compression: boolean;
  readonly sendTracebacks: boolean;
  readonly iterStreaming: boolean;
  readonly maxInflight: number;
  readonly maxMessageSize: number;
  /** @internal */
  readonly hmacKey: Uint8Array | undefined;
  private readonly tls: tls.TlsOptions | undefined;
  /** @internal Open remote iterators. */
  readonly streams: StreamRegistry;
  private readonly registry: ObjectRegistry;
  private readonly clients = new Set<ClientConnection>();
  private readonly handshakeValidator: HandshakeValidator | undefined;
  private listener: Listener | undefined;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private closing: Promise<void> | undefined;
  private stopped!: Promise<void>;
  private markStopped!: () => void;

  private constructor(options: DaemonOptions) {
    const configOptions: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options)) if (!DAEMON_OWN_OPTIONS.has(key) && value !== undefined) configOptions[key] = value;
    this.config = loadConfig(configOptions as Partial<PyroConfig>, options.env ?? process.env);
    this.serializers = new Map(this.config.serializersAccepted.map((name) => serializerByName(name)).map((s) => [s.id, s] as const));
    this.compression = this.config.compression;
    this.sendTracebacks = options.sendTracebacks ?? true;
    this.iterStreaming = this.config.iterStreaming;
    this.maxInflight = this.config.maxInflight;
    this.maxMessageSize = this.config.maxMessageSize;
    this.hmacKey = this.config.hmacKey ? Buffer.from(this.config.hmacKey, "utf8") : undefined;
    this.tls = options.tls ?? serverTlsFromConfig(this.config);
    this.registry = new ObjectRegistry(this.config.autoProxy ? (id) => this.proxyFor(id) : undefined);
    this.streams = new StreamRegistry({ lifetime: this.config.iterStreamLifetime, linger: this.config.iterStreamLinger });
    this.handshakeValidator = options.validateHandshake;
    this.stopped = new Promise((resolve) => (this.markStopped = resolve));
    this.registry.register(new DaemonObject(this.introspection()), DAEMON_OBJECT_ID, false);
  }

  /** Creates a daemon and binds its socket (TCP by default; port 0 picks a free port). */
  static async create(options: DaemonOptions = {}): Promise<Daemon> {
    const daemon = new Daemon(options);
    const address = options.unixSocket !== undefined ? { path: options.unixSocket } : { host: daemon.config.host, port: options.port ?? 0 };
    daemon.listener = await listen(
      address,
      (socket) => daemon.accept(socket),
      daemon.tls,
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
    const host = this.config.natHost ?? address.host;
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

  /** Resolves once the daemon has shut down (after {@link shutdown}). */
  requestLoop(): Promise<void> {
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

  /** Same as {@link shutdown}. */
  close(): Promise<void> {
    return this.shutdown();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  // ---- DaemonCore, used by client connections ----

  /** @internal */
  validateHandshake(client: ClientInfo, data: unknown): unknown {
    return this.handshakeValidator ? this.handshakeValidator(client, data) : "hello";
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
  clientClosed(client: ClientConnection): void {
    this.clients.delete(client);
  }

  private accept(socket: net.Socket): void {
    if (log.enabled) log(`${socket.remoteAddress ?? "unix"}:${socket.remotePort ?? ""} connected to ${this.locationStr}`);
    if (this.closing) {
      socket.destroy();
      return;
    }
    const connection = new Connection(socket, this.config.maxMessageSize, this.hmacKey);
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

  private async doShutdown(): Promise<void> {
    const server = this.listener?.server;
    const serverClosed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    // Read no more requests: under steady load, calls accepted after the wait below would be cut
    // off by the close (their replies dropped, oneways abandoned). Unread ones were never accepted.
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
