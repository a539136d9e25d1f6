/**
 * Starting a name server: a daemon serving the {@link NameServer} object under `Pyro.NameServer`,
 * its storage, optional autoclean, and the discovery responders (UDP broadcast, mDNS).
 *
 * ```ts
 * await using ns = await startNameServer({ host: "0.0.0.0" });
 * console.log(`${ns.uri}`);   // PYRO:Pyro.NameServer@192.168.1.5:9090
 * ```
 */
import { Daemon, type DaemonOptions, type Instrument, type PyroConfig, URI, loadConfig } from "@pyrots/core";
import type { PrometheusMetrics } from "@pyrots/observability/prometheus";
import { AutoCleaner } from "./autoclean.js";
import { nameServerMetrics } from "./metrics.js";
import { LOCAL_ORIGIN } from "./caller.js";
import { type BroadcastResponder, startBroadcastResponder } from "./discovery/broadcast.js";
import { type MdnsAdvertisement, advertiseMdns } from "./discovery/mdns.js";
import type { NameServerLimits } from "./limits.js";
import { NAMESERVER_METADATA, NAMESERVER_NAME, NameServer } from "./nameserver.js";
import { ANY_HOSTS, classifyHost, reachableHost } from "./netutil.js";
import { type NameStorage, openStorage } from "./storage/index.js";

/** Options of {@link startNameServer}; Pyro config items (camelCase) fill in what is not given. */
export interface NameServerOptions extends Partial<PyroConfig> {
  /** Host to bind (default: config `host`, "localhost"). `0.0.0.0` binds every interface. */
  host?: string;
  /** TCP port (default: config `nsPort`, 9090); 0 picks a free port. */
  port?: number;
  /** Listen on this Unix socket instead of TCP. */
  unixSocket?: string;
  /**
   * `"memory"` (default), `"sql:FILE"`, `"etcd:HOST:PORT[,HOST:PORT...][/PREFIX]"` (replicas on one
   * etcd cluster, see docs/naming-ha.md), or a storage object (started and closed with the name server).
   */
  storage?: string | NameStorage;
  /** Autoclean period in seconds (≥ 3); 0 = off (default: config `nsAutoClean`). */
  autoclean?: number;
  /** Seconds a dead registration survives before autoclean removes it (default 20). */
  autocleanGrace?: number;
  /** Accept an autoclean period under 3 s (for tests). */
  allowShortAutoclean?: boolean;
  /** External host put in the name server's URI (NAT; default: config `natHost`). */
  nathost?: string;
  /** External port put in the URI (NAT; default: config `natPort`, 0 = the real port). */
  natport?: number;
  /**
   * Answer UDP `GET_NSURI` broadcasts. Default: yes, unless the name server listens on a
   * loopback, IPv6 or Unix socket address and no `bcHost` was given (as Pyro4 does). `true`
   * forces it on, `false` off.
   */
  broadcast?: boolean;
  /** Bind address of the broadcast responder (default: config `nsBcHost`, else 0.0.0.0). */
  bcHost?: string;
  /** UDP port of the broadcast responder (default: config `nsBcPort`, 9091). */
  bcPort?: number;
  /**
   * Advertise over mDNS. Default: yes, unless the name server listens on a loopback address or a
   * Unix socket (other machines could not use the URI). `true` forces it on (TCP only), `false` off.
   */
  mdns?: boolean;
  /** Environment to read `PYRO_*` items from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Serve TLS with these `node:tls` server options (see `DaemonOptions.tls`). */
  tls?: DaemonOptions["tls"];
  /** Send remote tracebacks with errors (default true); turn off for untrusted clients. */
  sendTracebacks?: boolean;
  /** Bounds on what clients may register and ask (see {@link NameServerLimits} for the defaults). */
  limits?: Partial<NameServerLimits>;
  /** Validates each client's handshake (see `DaemonOptions.validateHandshake`). */
  validateHandshake?: DaemonOptions["validateHandshake"];
  /** Instruments for the name server's daemon: tracing, for example (see `DaemonOptions.instruments`). */
  instruments?: Instrument | readonly Instrument[];
  /**
   * Prometheus metrics (from `prometheusMetrics()` in `@pyrots/observability`): the daemon's, and
   * the name server's own (names, lookups, registrations, leases, storage health; see `metrics.ts`).
   */
  metrics?: PrometheusMetrics;
}

/** A running name server. */
export interface RunningNameServer extends AsyncDisposable {
  /** The URI clients should use; registered under `Pyro.NameServer`. */
  readonly uri: URI;
  /** The URI of the real bound address (differs from {@link uri} with NAT or `0.0.0.0`). */
  readonly internalUri: URI;
  /** The daemon serving the name server object. */
  readonly daemon: Daemon;
  /** The name server object itself (for in-process calls). */
  readonly nameserver: NameServer;
  /** The storage in use. */
  readonly storage: NameStorage;
  /** The UDP broadcast responder, when running. */
  readonly broadcast?: BroadcastResponder;
  /** Why the broadcast responder is not running, when it is not. */
  readonly broadcastSkipped?: string;
  /** The mDNS advertisement, when running. */
  readonly mdns?: MdnsAdvertisement;
  /** Why mDNS is not advertised, when it is not. */
  readonly mdnsSkipped?: string;
  /** The autocleaner, when enabled. */
  readonly autocleaner?: AutoCleaner;
  /** Resolves when the name server has stopped. */
  readonly stopped: Promise<void>;
  /** Stops everything and closes the storage. Idempotent. */
  close(): Promise<void>;
}

const OWN_OPTIONS = new Set([
  "host",
  "port",
  "unixSocket",
  "storage",
  "autoclean",
  "autocleanGrace",
  "allowShortAutoclean",
  "nathost",
  "natport",
  "broadcast",
  "bcHost",
  "bcPort",
  "mdns",
  "env",
  "tls",
  "sendTracebacks",
  "limits",
  "validateHandshake",
  "instruments",
  "metrics",
]);

/** Starts a name server and registers it under its own name. */
export async function startNameServer(options: NameServerOptions = {}): Promise<RunningNameServer> {
  const configOptions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (!OWN_OPTIONS.has(key) && value !== undefined) configOptions[key] = value;
  const env = options.env ?? process.env;
  const config = loadConfig({ ...configOptions, host: options.host } as Partial<PyroConfig>, env);
  const natHost = options.nathost ?? config.natHost ?? undefined;
  const natPort = options.natport ?? config.natPort;
  const autoclean = options.autoclean ?? config.nsAutoClean;

  const storage = typeof options.storage === "object" ? options.storage : openStorage(options.storage);
  const cleanups: (() => Promise<void> | void)[] = [() => storage.close()];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step();
  };
  try {
    await storage.start?.();
    const instruments = [options.instruments ?? []].flat();
    if (options.metrics !== undefined) {
      const nsMetrics = nameServerMetrics(options.metrics, storage);
      cleanups.push(() => nsMetrics.stop());
      instruments.push(options.metrics, nsMetrics.instrument);
    }
    const daemon = await Daemon.create({
      ...(configOptions as Partial<PyroConfig>),
      env,
      host: config.host,
      ...(options.unixSocket !== undefined ? { unixSocket: options.unixSocket } : { port: options.port ?? config.nsPort }),
      natHost: natHost ?? null,
      natPort,
      tls: options.tls,
      sendTracebacks: options.sendTracebacks,
      validateHandshake: options.validateHandshake,
      instruments,
    });
    cleanups.push(() => daemon.shutdown());
    const nameserver = new NameServer(storage, { limits: options.limits, unixSocket: options.unixSocket !== undefined });
    cleanups.push(() => nameserver[Symbol.asyncDispose]());
    daemon.register(nameserver, NAMESERVER_NAME);
    const internalUri = new URI({ ...uriFields(daemon), protocol: "PYRO", object: NAMESERVER_NAME });
    const uri = externalUri(daemon, internalUri, natHost);
    // Its own entry, written directly: the limits on what clients may register do not apply to it.
    await storage.set(NAMESERVER_NAME, { uri: uri.toString(), metadata: NAMESERVER_METADATA, registrant: LOCAL_ORIGIN });

    const autocleaner =
      autoclean > 0
        ? new AutoCleaner(storage, {
            period: autoclean,
            grace: options.autocleanGrace,
            allowShortPeriod: options.allowShortAutoclean,
            connectTimeout: config.commTimeout || 5,
            protect: [NAMESERVER_NAME, "Pyro.Daemon"],
          })
        : undefined;
    if (autocleaner) cleanups.push(() => autocleaner.close());

    const bcHost = options.bcHost ?? config.nsBcHost ?? undefined;
    let broadcastSkipped = await broadcastDecision(options.broadcast, bcHost, options.unixSocket !== undefined, internalUri);
    let broadcast: BroadcastResponder | undefined;
    if (broadcastSkipped === undefined) {
      try {
        broadcast = await startBroadcastResponder({ nsUri: internalUri, host: bcHost, port: options.bcPort ?? config.nsBcPort });
        cleanups.push(() => broadcast!.close());
      } catch (error) {
        // Asked for explicitly: fail. Started by default: the name server is still useful without it.
        if (options.broadcast === true || bcHost !== undefined || options.bcPort !== undefined) throw error;
        broadcastSkipped = `failed: ${(error as Error).message}`;
      }
    }
    let mdnsSkipped = await mdnsDecision(options.mdns, options.unixSocket !== undefined, internalUri);
    let mdns: MdnsAdvertisement | undefined;
    if (mdnsSkipped === undefined) {
      try {
        mdns = await advertiseMdns({ nsUri: internalUri });
        cleanups.push(() => mdns!.close());
      } catch (error) {
        if (options.mdns === true) throw error;
        mdnsSkipped = `failed: ${(error as Error).message}`;
      }
    }

    let closing: Promise<void> | undefined;
    const close = () => (closing ??= cleanup());
    const stopped = daemon.requestLoop().then(() => close());
    return {
      uri,
      internalUri,
      daemon,
      nameserver,
      storage,
      broadcast,
      broadcastSkipped,
      mdns,
      mdnsSkipped,
      autocleaner,
      stopped,
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function uriFields(daemon: Daemon): { host?: string; port?: number; sockname?: string } {
  // The daemon's own location (never the NAT one): `host:port`, `[v6]:port` or `./u:path`.
  const location = daemon.locationStr;
  if (location.startsWith("./u:")) return { sockname: location.slice(4) };
  const colon = location.lastIndexOf(":");
  return { host: location.slice(0, colon), port: Number(location.slice(colon + 1)) };
}

/** The URI to hand out: the NAT address, or a real address of this machine instead of 0.0.0.0. */
function externalUri(daemon: Daemon, internal: URI, natHost: string | undefined): URI {
  if (natHost !== undefined) return daemon.uriFor(NAMESERVER_NAME);
  if (internal.host === undefined || !ANY_HOSTS.has(internal.host)) return internal;
  return new URI({ protocol: "PYRO", object: NAMESERVER_NAME, host: reachableHost(internal.host), port: internal.port });
}

/** Undefined when the broadcast responder should run, else why not. */
async function broadcastDecision(wanted: boolean | undefined, bcHost: string | undefined, unix: boolean, internal: URI): Promise<string | undefined> {
  if (wanted === false) return "disabled";
  if (wanted === true || bcHost !== undefined) return undefined;
  if (unix) return "not for a Unix socket name server";
  const kind = await classifyHost(internal.host!);
  if (kind === "loopback") return "not for a name server on localhost";
  if (kind === "ipv6") return "not for an IPv6 name server";
  return undefined;
}

/** Undefined when the mDNS advertisement should run, else why not. */
async function mdnsDecision(wanted: boolean | undefined, unix: boolean, internal: URI): Promise<string | undefined> {
  if (wanted === false) return "disabled";
  if (unix) return "not for a Unix socket name server";
  if (wanted === true) return undefined;
  return (await classifyHost(internal.host!)) === "loopback" ? "not for a name server on localhost" : undefined;
}
