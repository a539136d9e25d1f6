/**
 * The public `Daemon`: hosts exposed objects for remote callers. It wraps the daemon engine
 * (`daemon/daemon.ts`) with what only this layer can give it: proxies for the callbacks clients
 * send, which resolve names and may connect only where `callbackHosts` allows; names registered in
 * the name service bound to a lease it keeps alive; and a graceful shutdown that withdraws those
 * names first, then drains.
 *
 * ```ts
 * const daemon = await Daemon.create({ host: "127.0.0.1" });
 * await daemon.registerName("worker.1", Worker, { metadata: ["fleet:render"], ttl: 10 });
 * shutdownOnSignals(daemon); // SIGTERM/SIGINT: names gone, new calls refused, calls in flight finished
 * await daemon.requestLoop(); // until daemon.shutdown()
 * ```
 */
import type { PyroConfig } from "../config.js";
import { type DaemonState, type DaemonStats, DaemonServer, type DrainOutcome, type RegisterOptions } from "../daemon/daemon.js";
import { DEFAULT_LEASE_TTL } from "../naming/lease-keeper.js";
import { DaemonNames, type NameServiceChoice } from "./daemon-names.js";
import { type HealthEndpoint, type HealthEndpointOptions, serveHealth } from "./health-http.js";
import type { DaemonOptions, LeaseEvent } from "../daemon/options.js";
import { type PeerInfo, type ProxyReviver, daemonConfig, daemonSettings } from "../daemon/settings.js";
import { resolveName } from "../naming/resolve.js";
import { createProxy } from "../proxy/proxy.js";
import { type ProxySettings, settingsFromConfig } from "../proxy/settings.js";
import { classConverters } from "../serializers/classes.js";
import { serializerByName } from "../serializers/registry.js";
import type { ProxyRef } from "../serializers/values.js";
import { URI } from "../uri.js";
import { NETWORK } from "../transport/settings.js";
import { callbackRule } from "./callbacks.js";
import { combineInstruments } from "../instruments.js";

export type { DaemonState, DaemonStats, DrainOutcome, RegisterOptions } from "../daemon/daemon.js";
export type { LeaseEvent } from "../daemon/options.js";
export type { HealthEndpoint, HealthEndpointOptions } from "./health-http.js";
export type { NameServiceChoice } from "./daemon-names.js";

/** Options of {@link Daemon.registerName}. */
export interface NameRegistrationOptions {
  /** Metadata tags (a pool selects workers by tags with `PYROMETA:`). */
  metadata?: Iterable<string>;
  /**
   * Seconds the name outlives this daemon (the lease's TTL; default 10). The daemon keeps the
   * lease alive every TTL/3; when it dies, the name goes within the TTL. 0: a plain registration
   * that stays until removed.
   */
  ttl?: number;
  /** Refuse to overwrite an existing name (`NamingError: name already registered`). */
  safe?: boolean;
  /** Which name service (default: the daemon's `NS_HOST`/`NS_PORT`, replicas included). */
  nameServer?: NameServiceChoice;
  /** The object id when `target` is registered here by this call (default: a fresh `obj_...` id). */
  objectId?: string;
}

/** Options of {@link Daemon.shutdown}. */
export interface ShutdownOptions {
  /** Seconds to wait for calls in flight and open remote iterators to finish (default 10; 0 = as long as they take). */
  drainTimeout?: number;
  /** Seconds to spend removing the daemon's names from the name service (default 3). */
  namesTimeout?: number;
}

/** Default seconds a shutdown waits for calls in flight. */
const DEFAULT_DRAIN_SECONDS = 10;
/** Default seconds a shutdown spends removing names. */
const DEFAULT_NAMES_SECONDS = 3;

/** Hosts objects for remote callers; see the module documentation. */
export class Daemon implements AsyncDisposable {
  private readonly names: DaemonNames;
  private stopping: Promise<void> | undefined;
  private drained: DrainOutcome | undefined;

  private constructor(
    private readonly server: DaemonServer,
    onLeaseEvent: ((event: LeaseEvent) => void) | undefined,
  ) {
    this.names = new DaemonNames(server.config, onLeaseEvent ?? reportLeaseTrouble);
  }

  /** Creates a daemon and binds its socket (TCP by default; port 0 picks a free port). */
  static async create(options: DaemonOptions = {}): Promise<Daemon> {
    const config = daemonConfig(options);
    const settings = daemonSettings(config, options, callbackReviver(config, options));
    const where = options.unixSocket !== undefined ? { unixSocket: options.unixSocket } : { port: options.port ?? 0 };
    return new Daemon(await DaemonServer.start(settings, where), options.onLeaseEvent);
  }

  /** The effective configuration. */
  get config(): PyroConfig {
    return this.server.config;
  }

  /** The daemon's location as used in URIs: `host:port`, `[v6]:port` or `./u:path`. */
  get locationStr(): string {
    return this.server.locationStr;
  }

  /** The TCP port the daemon listens on (undefined for Unix sockets). */
  get port(): number | undefined {
    return this.server.port;
  }

  /** Ids of all registered objects, `Pyro.Daemon` included. */
  get objectIds(): string[] {
    return this.server.objectIds;
  }

  /** What the daemon is doing right now: open connections, remote iterators, calls running. */
  get stats(): DaemonStats {
    return this.server.stats;
  }

  /**
   * Registers a class (instances made per its `@behavior` instance mode) or an instance (served
   * as is). Returns the object's URI. The id defaults to `obj_<uuid hex>`.
   */
  register(target: object, objectId?: string, options?: RegisterOptions): URI {
    return this.server.register(target, objectId, options);
  }

  /** Removes a registration by id, class or instance. `Pyro.Daemon` cannot be removed. */
  unregister(targetOrId: object | string): void {
    this.server.unregister(targetOrId);
  }

  /** The URI of a registered object (by id, class or instance). */
  uriFor(targetOrId: object | string): URI {
    return this.server.uriFor(targetOrId);
  }

  /**
   * A reference to a registered object that carries its metadata: pass it to `new Proxy(...)`,
   * or return it from a remote method to hand the caller a proxy (Pyro's autoproxy).
   */
  proxyFor(targetOrId: object | string): ProxyRef {
    return this.server.proxyFor(targetOrId);
  }

  /**
   * Registers `target` in the name service under `name`, bound to this daemon's lease (see
   * {@link NameRegistrationOptions.ttl}); `target` is an object, class, id or URI registered here,
   * or an object or class to register now. Resolves with its URI once the name server has it. Python Pyro4 clients
   * see an ordinary name. A name server without leases (Python's) gets a plain registration.
   */
  async registerName(name: string, target: object | string | URI, options: NameRegistrationOptions = {}): Promise<URI> {
    const uri = this.uriOrRegister(target, options.objectId);
    if ((options as { onLeaseEvent?: unknown }).onLeaseEvent !== undefined) {
      throw new TypeError("registerName() takes no onLeaseEvent: pass it to Daemon.create({ onLeaseEvent }), one listener for all the daemon's leases");
    }
    const ttl = options.ttl ?? DEFAULT_LEASE_TTL;
    const metadata = [...(options.metadata ?? [])];
    await this.names.keeper(options.nameServer ?? {}, ttl).register(name, uri.toString(), metadata, options.safe ?? false);
    return uri;
  }

  /** Every name this daemon registered with {@link registerName} (and keeps). */
  get registeredNames(): string[] {
    return this.names.registered;
  }

  /** `serving`, `draining` (shutting down gracefully) or `stopped`. */
  get state(): DaemonState {
    return this.server.state;
  }

  /** How the last drain ended (after {@link shutdown}). */
  get drainOutcome(): DrainOutcome | undefined {
    return this.drained;
  }

  /**
   * Serves `/livez`, `/readyz` and `/healthz` over HTTP for orchestrators (`readyz` turns 503 when
   * the daemon starts draining). Binds to 127.0.0.1 and any free port unless told otherwise.
   */
  serveHealth(options?: HealthEndpointOptions): Promise<HealthEndpoint> {
    return serveHealth(() => {
      const stats = this.server.stats;
      return {
        state: this.server.state,
        connections: stats.connections,
        callsInFlight: stats.callsInFlight,
        streams: stats.streams,
        names: this.registeredNames,
      };
    }, options);
  }

  /** Resolves once the daemon has shut down (after {@link shutdown}). */
  requestLoop(): Promise<void> {
    return this.server.requestLoop();
  }

  /**
   * Stops gracefully: first removes the names registered with {@link registerName} (revoking the
   * lease, so pool proxies move away), then drains (new connections and calls are refused in a
   * way pool proxies take as "send it elsewhere"; calls in flight finish, within
   * `drainTimeout`), then closes every connection. Idempotent.
   */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    this.stopping ??= this.stop(options);
    return this.stopping;
  }

  /** Same as {@link shutdown}. */
  close(): Promise<void> {
    return this.shutdown();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  private async stop(options: ShutdownOptions): Promise<void> {
    await this.names.withdraw(options.namesTimeout ?? DEFAULT_NAMES_SECONDS);
    this.drained = await this.server.drain(options.drainTimeout ?? DEFAULT_DRAIN_SECONDS);
    // Past the bound, calls still running are given up: the drain's time is what the caller allowed.
    await this.server.shutdown({ abandonCalls: !this.drained.finished });
  }

  private uriOrRegister(target: object | string, objectId: string | undefined): URI {
    if (typeof target === "string") return this.server.uriFor(target);
    if (target instanceof URI) return this.server.uriFor(target.object);
    try {
      return this.server.uriFor(target);
    } catch {
      return this.server.register(target, objectId);
    }
  }
}

/** Lease events nobody listens to: trouble goes to stderr. */
function reportLeaseTrouble(event: LeaseEvent): void {
  if (/failed|lost|no-leases/.test(event.type)) process.stderr.write(`pyrots: ${event.type}: ${event.detail}\n`);
}

/**
 * Callback proxies: live proxies with the daemon's client-side settings (TLS, HMAC, timeouts),
 * speaking the serializer the sending client used (it is the likeliest one its callback daemon
 * accepts), and confined to the hosts `callbackHosts` allows.
 */
function callbackReviver(config: PyroConfig, options: DaemonOptions): ProxyReviver {
  const base = settingsFromConfig(config, {
    resolveName,
    classes: classConverters(options.dictToClass),
    instrument: combineInstruments(options.instruments),
    network: options[NETWORK],
  });
  const hosts = options.callbackHosts ?? "client";
  return (ref: ProxyRef, peer: PeerInfo) => {
    const serializer = ref.serializer ? knownSerializer(ref.serializer) : undefined;
    // The client's serializer is a guess at what its callback daemon accepts: not a choice.
    const settings: ProxySettings = Object.freeze({
      ...base,
      serializer: serializer ?? peer.serializer,
      serializerChosen: false,
      connectRule: callbackRule(hosts, peer),
    });
    return createProxy(ref, settings);
  };
}

function knownSerializer(name: string) {
  try {
    return serializerByName(name);
  } catch {
    return undefined;
  }
}
