/**
 * The daemon engine: hosts exposed objects over TCP or a Unix socket and answers Pyro4 protocol 48.
 */
import { performance } from "node:perf_hooks";
import type { PyroConfig } from "../config.js";
import { DaemonError, PyroError } from "../errors.js";
import { DAEMON_OBJECT_ID } from "../protocol/constants.js";
import { ProxyRef } from "../serializers/values.js";
import { reachableHost } from "../transport/addresses.js";
import type { ListenAddress, Listener } from "../transport/socket.js";
import { URI } from "../uri.js";
import type { DaemonActivity } from "../instruments.js";
import { ConnectionTable } from "./admission.js";
import type { ClientServices } from "./client.js";
import { DaemonObject } from "./daemon-object.js";
import { type DaemonState, type DrainOutcome, type DrainState, waitUntilQuiet } from "./drain.js";
import { ConnectionIntake } from "./intake.js";
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
 * The daemon engine: listens, accepts client connections (through its intake, intake.ts) and
 * serves registered objects. The public `Daemon` (endpoints/daemon.ts) wraps it with what only the
 * layers above know (making proxies from callbacks, the name server).
 */
export class DaemonServer {
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
  private readonly intake: ConnectionIntake;
  private listener: Listener | undefined;
  private closing: Promise<void> | undefined;
  private stopped!: Promise<void>;
  private markStopped!: () => void;

  private constructor(readonly settings: DaemonSettings) {
    this.config = settings.config;
    this.registry = new ObjectRegistry(this.config.autoProxy ? (id) => this.proxyFor(id) : undefined);
    const { maxConnections, maxConnectionsPerHost, maxIterStreams } = this.config;
    this.table = new ConnectionTable({ maxConnections, maxPerHost: maxConnectionsPerHost });
    this.streams = new StreamRegistry({
      lifetime: this.config.iterStreamLifetime,
      linger: this.config.iterStreamLinger,
      perOwner: maxIterStreams,
      total: maxIterStreams > 0 && maxConnections > 0 ? maxIterStreams * maxConnections : 0,
    });
    const services: ClientServices = {
      settings,
      objects: this.registry,
      streams: this.streams,
      work: this.work,
      stamps: this.table,
      drain: this.drainState,
      clientClosed: (client) => this.intake.clients.delete(client),
    };
    this.intake = new ConnectionIntake({ services, table: this.table, serving: settings.serveFrom === "create", where: () => this.locationStr });
    this.stopped = new Promise((resolve) => (this.markStopped = resolve));
    this.registry.register(new DaemonObject(this.introspection()), DAEMON_OBJECT_ID, false);
  }

  /** Creates a daemon engine with `settings` and binds its socket. */
  static async start(settings: DaemonSettings, where: DaemonAddress): Promise<DaemonServer> {
    const daemon = new DaemonServer(settings);
    const address: ListenAddress = "unixSocket" in where ? { path: where.unixSocket } : { host: daemon.config.host, port: where.port };
    daemon.listener = await settings.network.bind(address, daemon.intake, settings.tls);
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
    if (!this.closing) this.intake.startServing();
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
      connections: this.intake.clients.size,
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
    for (const client of this.intake.clients) sessions += client.session.sessionCount;
    const { bytesReceived, bytesSent } = this.intake.traffic();
    return { connections: this.table.size, streams: this.streams.size, sessions, callsInFlight: this.work.size, bytesReceived, bytesSent };
  }

  private async doShutdown(abandonCalls: boolean): Promise<void> {
    const server = this.listener?.server;
    const serverClosed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    this.intake.stopAccepting();
    if (!abandonCalls) await this.work.idle();
    // Replies of the last calls are queued for the next tick; let them leave first.
    await new Promise((resolve) => setImmediate(resolve));
    this.intake.closeClients();
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
