/**
 * The public `Daemon`: hosts exposed objects for remote callers. It wraps the daemon engine
 * (`daemon/daemon.ts`) with what only this layer can give it: proxies for the callbacks clients
 * send, which resolve names and may connect only where `callbackHosts` allows.
 *
 * ```ts
 * const daemon = await Daemon.create({ host: "127.0.0.1" });
 * const uri = daemon.register(Worker, "MyWorker");
 * await daemon.requestLoop(); // until daemon.shutdown()
 * ```
 */
import type { PyroConfig } from "../config.js";
import { type DaemonStats, DaemonServer, type RegisterOptions } from "../daemon/daemon.js";
import type { DaemonOptions } from "../daemon/options.js";
import { type PeerInfo, type ProxyReviver, daemonConfig, daemonSettings } from "../daemon/settings.js";
import { resolveName } from "../naming/resolve.js";
import { createProxy } from "../proxy/proxy.js";
import { type ProxySettings, settingsFromConfig } from "../proxy/settings.js";
import { classConverters } from "../serializers/classes.js";
import { serializerByName } from "../serializers/registry.js";
import type { ProxyRef } from "../serializers/values.js";
import type { URI } from "../uri.js";
import { callbackRule } from "./callbacks.js";
import { combineInstruments } from "../instruments.js";

export type { DaemonStats, RegisterOptions } from "../daemon/daemon.js";

/** Hosts objects for remote callers; see the module documentation. */
export class Daemon implements AsyncDisposable {
  private constructor(private readonly server: DaemonServer) {}

  /** Creates a daemon and binds its socket (TCP by default; port 0 picks a free port). */
  static async create(options: DaemonOptions = {}): Promise<Daemon> {
    const config = daemonConfig(options);
    const settings = daemonSettings(config, options, callbackReviver(config, options));
    const where = options.unixSocket !== undefined ? { unixSocket: options.unixSocket } : { port: options.port ?? 0 };
    return new Daemon(await DaemonServer.start(settings, where));
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

  /** Resolves once the daemon has shut down (after {@link shutdown}). */
  requestLoop(): Promise<void> {
    return this.server.requestLoop();
  }

  /**
   * Stops accepting connections, lets calls in flight finish and answer, then closes every
   * connection. Idempotent.
   */
  shutdown(): Promise<void> {
    return this.server.shutdown();
  }

  /** Same as {@link shutdown}. */
  close(): Promise<void> {
    return this.server.shutdown();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.server.shutdown();
  }
}

/**
 * Callback proxies: live proxies with the daemon's client-side settings (TLS, HMAC, timeouts),
 * speaking the serializer the sending client used (it is the likeliest one its callback daemon
 * accepts), and confined to the hosts `callbackHosts` allows.
 */
function callbackReviver(config: PyroConfig, options: DaemonOptions): ProxyReviver {
  const base = settingsFromConfig(config, { resolveName, classes: classConverters(options.dictToClass), instrument: combineInstruments(options.instruments) });
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
