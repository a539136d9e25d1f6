/**
 * `locateNS()`: finding a name server, the way Pyro4 does, plus replicas, mDNS and a clear failure.
 *
 * 1. An explicit `host` (`./u:/path` for a Unix socket): connect there, or fail.
 * 2. The configured name servers, in order: `NS_HOST` is one host or a comma-separated list of
 *    `host` / `host:port` (replicas; `NS_PORT` where no port is given). A loopback `localhost`
 *    is also tried as `127.0.1.1` when that address has a name (Debian's hostname entry).
 * 3. UDP broadcast of `GET_NSURI` to `BROADCAST_ADDRS` (skipped when `NS_DISCOVERY` lacks
 *    `broadcast`, for `broadcast: false`, or with `PREFER_IP_VERSION=6`).
 * 4. mDNS browse for `_pyro-ns._tcp` (skipped when `NS_DISCOVERY` lacks `mdns`, or `mdns: false`).
 *
 * Each connect attempt is bounded by `COMMTIMEOUT`, or {@link LOCATE_CONNECT_SECONDS} when that
 * is 0, so that a dead replica costs seconds, not minutes. When everything fails the NamingError
 * lists each attempt and its outcome.
 */

import { type PyroConfig, loadConfig } from "../config.js";
import { performance } from "node:perf_hooks";
import { CommunicationError, NamingError } from "../errors.js";
import { wasNotSent } from "../proxy/outcome.js";
import { bind, createProxy, release, withOptions } from "../proxy/proxy.js";
import { type ProxySettings, settingsFromConfig } from "../proxy/settings.js";
import { DEFAULT_NS_PORT, URI } from "../uri.js";
import type { NameServerProxy } from "./api.js";
import { type Discovered, broadcastStep, configuredCandidates, mdnsStep, nameServerUri } from "./candidates.js";
import { BROADCAST_ROUND_SECONDS, MDNS_BROWSE_SECONDS } from "./constants.js";

export { configuredNameServers, nameServerUri } from "./candidates.js";
import { debugLog } from "../debug.js";

const log = debugLog("pyrots:naming");

/** Options of {@link locateNS}: where to look, plus any config item (camelCase). */
export interface LocateOptions extends Partial<PyroConfig> {
  /**
   * The name server's host (not the daemon `host` config item): connect there only. An IPv6
   * address may be bracketed; `./u:/path` is a Unix socket.
   */
  host?: string;
  /** With `host`: the name server's TCP port (default `nsPort`). Without: the broadcast port (default `nsBcPort`). */
  port?: number;
  /** Broadcast `GET_NSURI` on the local network (default true). */
  broadcast?: boolean;
  /** Browse mDNS for a name server (default true). */
  mdns?: boolean;
  /** Seconds to browse mDNS (default 1.5). */
  mdnsTimeout?: number;
  /**
   * Seconds the whole search may take: each name server tried gets its share of what is left, so
   * that a replica that does not answer cannot use it all (default: none; each connect attempt is
   * bounded by `commTimeout`, or 5 s).
   */
  deadline?: number;
  /** Environment to read `PYRO_*` items from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Told about each place tried, as soon as it has been tried (how `pyro-nsc -v` explains itself). */
  onAttempt?: (attempt: LocateAttempt) => void;
}

/** One step of {@link locateNS}, as reported to `onAttempt`. */
export interface LocateAttempt {
  /**
   * Where the address came from: `host` (given), `nsHost` (a configured `NS_HOST` entry, or its
   * 127.0.1.1 alias), `broadcast` (a reply to `GET_NSURI`), `mdns` (an mDNS answer).
   */
  readonly via: "host" | "nsHost" | "broadcast" | "mdns";
  /** What was tried and, when it failed, why: `localhost:9090: connection refused`. May quote what a peer sent. */
  readonly description: string;
  /** The name server's URI, when this step found it. */
  readonly found?: URI;
}

/** Where to look, once the configuration is known. */
export interface LocateRequest {
  /** As {@link LocateOptions.host}. */
  host?: string;
  /** As {@link LocateOptions.port}. */
  port?: number;
  /** As {@link LocateOptions.broadcast}. */
  broadcast?: boolean;
  /** As {@link LocateOptions.mdns}. */
  mdns?: boolean;
  /** As {@link LocateOptions.mdnsTimeout}. */
  mdnsTimeout?: number;
  /** As {@link LocateOptions.onAttempt}. */
  onAttempt?: (attempt: LocateAttempt) => void;
}

/**
 * Finds a name server and returns a connected proxy for it; close it with
 * `await ns[Symbol.asyncDispose]()` (or `await using`). Throws NamingError when none is found.
 */
export async function locateNS(options: LocateOptions = {}): Promise<NameServerProxy> {
  const { host, port, broadcast, mdns, mdnsTimeout, env, deadline, onAttempt, ...configOptions } = options;
  const config = loadConfig(configOptions, env ?? process.env);
  const serializerChosen = configOptions.serializer !== undefined || (env ?? process.env).PYRO_SERIALIZER !== undefined;
  const settings = settingsFromConfig(config, { serializerChosen });
  const found = await searchNameServers(settings, { host, port, broadcast, mdns, mdnsTimeout, onAttempt }, async () => undefined, { deadline });
  return found.ns;
}

/**
 * {@link locateNS} connecting with the given proxy settings: those of a proxy resolving its
 * `PYRONAME:` URI, so that the lookup uses its TLS, HMAC key and timeout.
 */
export async function locateWithSettings(given: ProxySettings, request: LocateRequest = {}): Promise<NameServerProxy> {
  return (await searchNameServers(given, request, async () => undefined)).ns;
}

/**
 * What to do with a name server once connected: its result ends the search. `callTimeout` is what
 * is left of the search's deadline for the calls it makes (0: no deadline).
 */
export type NameServerUse<T> = (ns: NameServerProxy, callTimeout: number) => Promise<T>;

/** Options of {@link searchNameServers}. */
export interface SearchOptions {
  /** Seconds the whole search may take, every attempt included; 0 or absent: no overall bound. */
  readonly deadline?: number;
  /** Locations (`host:port`, `./u:path`) of replicas to try after the others: ones that failed lately. */
  readonly tryLast?: ReadonlySet<string>;
}

/** A name server found by {@link searchNameServers}, still connected, and what using it gave. */
export interface SearchResult<T> {
  readonly ns: NameServerProxy;
  readonly value: T;
}

/**
 * Tries the name servers in {@link locateNS}'s order and returns the first one that connects and
 * with which `use` succeeds. When `use` fails in a way another replica may not (a communication
 * error, a replica that cannot vouch for its names or is busy: {@link isFailoverError}), the next
 * candidate is tried; any other error is the answer and is thrown. With a deadline, each attempt
 * gets its share of the time left, so that a replica that does not answer cannot eat it all.
 */
export async function searchNameServers<T>(
  given: ProxySettings,
  request: LocateRequest,
  use: NameServerUse<T>,
  options: SearchOptions = {},
): Promise<SearchResult<T>> {
  const config = given.config;
  const { host, port } = request;
  const endsAt = options.deadline !== undefined && options.deadline > 0 ? performance.now() + options.deadline * 1000 : Infinity;
  const left = () => Math.max(0, (endsAt - performance.now()) / 1000);
  const report = request.onAttempt ?? (() => undefined);
  if (host !== undefined && host !== "") {
    const uri = nameServerUri(host, port ?? config.nsPort);
    const label = uri.location ?? String(uri);
    const timeout = endsAt === Infinity ? connectSeconds(given) : Math.max(0.001, left());
    let ns: NameServerProxy;
    try {
      ns = await connectNameServer(uri, { ...given, timeout });
      report({ via: "host", description: label, found: uri });
    } catch (error) {
      report({ via: "host", description: `${label}: ${reasonOf(error)}` });
      const hint = uri.sockname !== undefined ? `pyro-ns -u ${uri.sockname}` : `pyro-ns -n ${uri.host}${uri.port === DEFAULT_NS_PORT ? "" : ` -p ${uri.port}`}`;
      throw new NamingError(`Failed to locate the nameserver at ${uri.location}: ${reasonOf(error)} — is one running there? (start one with \`${hint}\`)`, {
        cause: error,
      });
    }
    return { ns: lasting(ns, given, endsAt), value: await using(ns, use, endsAt === Infinity ? 0 : left()) };
  }
  const tried: string[] = [];
  let lastError: unknown;
  const configured = await configuredCandidates(config.nsHost, port ?? config.nsPort, options.tryLast);
  let index = 0;
  const attempt = async (via: LocateAttempt["via"], uri: URI, label: string = uri.location ?? String(uri)): Promise<SearchResult<T> | undefined> => {
    // Each attempt gets an even share of what is left, counting the configured replicas still to try.
    const share = endsAt === Infinity ? connectSeconds(given) : Math.max(0.001, left() / Math.max(1, configured.length - index), Math.min(left(), 0.25));
    index++;
    if (endsAt !== Infinity && left() <= 0) {
      tried.push(`${label} (no time left)`);
      report({ via, description: `${label}: no time left` });
      return undefined;
    }
    if (log.enabled) log(`trying ${label}`);
    let ns: NameServerProxy;
    try {
      ns = await connectNameServer(uri, { ...given, timeout: share });
    } catch (error) {
      lastError = error;
      tried.push(`${label} (${reasonOf(error)})`);
      report({ via, description: `${label}: ${reasonOf(error)}` });
      if (log.enabled) log(`${label}: ${reasonOf(error)}`);
      return undefined;
    }
    if (log.enabled) log(`found the name server at ${uri}`);
    try {
      const value = await using(ns, use, endsAt === Infinity ? 0 : Math.max(share, left() / Math.max(1, configured.length - index + 1)));
      report({ via, description: label, found: uri });
      return { ns: lasting(ns, given, endsAt), value };
    } catch (error) {
      if (!isFailoverError(error)) throw error;
      lastError = error;
      tried.push(`${label} (${reasonOf(error)})`);
      report({ via, description: `${label}: ${reasonOf(error)}` });
      if (log.enabled) log(`${label}: ${reasonOf(error)}; trying the next name server`);
      return undefined;
    }
  };

  for (const candidate of configured) {
    const found = await attempt("nsHost", candidate);
    if (found) return found;
  }
  const discovery = new Set(config.nsDiscovery);
  const discoveries: [LocateAttempt["via"], () => Promise<Discovered>][] = [];
  const broadcastOff = request.broadcast === false || (request.broadcast === undefined && !discovery.has("broadcast"));
  const mdnsOff = request.mdns === false || (request.mdns === undefined && !discovery.has("mdns"));
  const bounded = (seconds: number) => (endsAt === Infinity ? seconds : Math.min(seconds, left()));
  discoveries.push(["broadcast", broadcastOff ? async () => "no broadcast (turned off)" : () => broadcastStep(config, port, bounded(BROADCAST_ROUND_SECONDS))]);
  discoveries.push(["mdns", mdnsOff ? async () => "no mDNS (turned off)" : () => mdnsStep(bounded(request.mdnsTimeout ?? MDNS_BROWSE_SECONDS))]);
  for (const [via, discover] of discoveries) {
    if (endsAt !== Infinity && left() <= 0) break;
    const discovered = await discover();
    if (typeof discovered === "string") {
      if (log.enabled) log(`nothing found: ${discovered}`);
      tried.push(discovered);
      report({ via, description: discovered });
      continue;
    }
    const found = await attempt(via, discovered.uri, discovered.label);
    if (found) return found;
  }
  const late = endsAt !== Infinity && left() <= 0 ? ` within ${options.deadline} s` : "";
  throw new NamingError(
    `no name server found${late}: tried ${tried.join(", ")} — start one with \`pyro-ns\` (\`pyro-ns -n 0.0.0.0\` to serve other machines)`,
    { cause: lastError },
  );
}

/**
 * True when a name server call failed in a way another replica may not: the connection (refused,
 * closed, timed out), a replica that cannot vouch for its names (etcd storage cut off from the
 * cluster), a busy one, or one that is shutting down (draining). `unknown name` and the like are answers, not reasons to move.
 */
export function isFailoverError(error: unknown): boolean {
  // wasNotSent: a draining name server refused the call unrun.
  if (error instanceof CommunicationError || wasNotSent(error)) return true;
  return error instanceof NamingError && /^(this name server cannot vouch for its names|name server busy)/.test(error.message);
}

/**
 * The found name server as it is handed on: a deadline's share bounded its connect, but its later
 * calls wait as long as a name server proxy's do (`COMMTIMEOUT`, or 5 s).
 */
function lasting(ns: NameServerProxy, given: ProxySettings, endsAt: number): NameServerProxy {
  return endsAt === Infinity ? ns : withOptions(ns, { timeout: connectSeconds(given) });
}

/** Runs `use`, closing the name server proxy when it fails. */
async function using<T>(ns: NameServerProxy, use: NameServerUse<T>, callTimeout: number): Promise<T> {
  try {
    return await use(ns, callTimeout);
  } catch (error) {
    release(ns);
    throw error;
  }
}

function connectSeconds(settings: ProxySettings): number {
  return settings.timeout > 0 ? settings.timeout : LOCATE_CONNECT_SECONDS;
}

/** Seconds a connect attempt to a name server may take when `COMMTIMEOUT` sets no limit. */
export const LOCATE_CONNECT_SECONDS = 5;

/** Connects a proxy to `uri` and binds it, closing it again when that fails. */
async function connectNameServer(uri: URI, settings: ProxySettings): Promise<NameServerProxy> {
  const proxy = createProxy(uri, settings) as NameServerProxy;
  try {
    await bind(proxy);
    return proxy;
  } catch (error) {
    release(proxy);
    throw error;
  }
}

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ENOENT: "no such socket file",
  ETIMEDOUT: "timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENOTFOUND: "unknown host",
  EAI_AGAIN: "host name lookup failed",
  ECONNRESET: "connection reset",
};

/** A short reason for an attempt's failure: the errno's meaning when there is one, else the message. */
function reasonOf(error: unknown): string {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === "string" && REASONS[code]) return REASONS[code];
  }
  return error instanceof Error ? error.message : String(error);
}
