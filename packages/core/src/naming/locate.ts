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
import { readFile } from "node:fs/promises";

import { type PyroConfig, loadConfig } from "../config.js";
import { NamingError } from "../errors.js";
import { bind, createProxy, release } from "../proxy/proxy.js";
import { type ProxySettings, settingsFromConfig } from "../proxy/settings.js";
import { URI } from "../uri.js";
import type { NameServerProxy } from "./api.js";
import { queryBroadcast } from "./broadcast.js";
import { MDNS_BROWSE_SECONDS, MDNS_SERVICE_TYPE, NAMESERVER_NAME } from "./constants.js";
import { browseMdns } from "./mdns.js";
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
  const { host, port, broadcast, mdns, mdnsTimeout, env, onAttempt, ...configOptions } = options;
  const config = loadConfig(configOptions, env ?? process.env);
  const serializerChosen = configOptions.serializer !== undefined || (env ?? process.env).PYRO_SERIALIZER !== undefined;
  return locateWithSettings(settingsFromConfig(config, { serializerChosen }), { host, port, broadcast, mdns, mdnsTimeout, onAttempt });
}

/**
 * {@link locateNS} connecting with the given proxy settings: those of a proxy resolving its
 * `PYRONAME:` URI, so that the lookup uses its TLS, HMAC key and timeout.
 */
export async function locateWithSettings(given: ProxySettings, request: LocateRequest = {}): Promise<NameServerProxy> {
  const settings = given.timeout > 0 ? given : { ...given, timeout: LOCATE_CONNECT_SECONDS };
  const config = settings.config;
  const { host, port } = request;
  const report = request.onAttempt ?? (() => undefined);
  if (host !== undefined && host !== "") {
    const uri = nameServerUri(host, port ?? config.nsPort);
    const label = uri.location ?? String(uri);
    try {
      const found = await connectNameServer(uri, settings);
      report({ via: "host", description: label, found: uri });
      return found;
    } catch (error) {
      report({ via: "host", description: `${label}: ${reasonOf(error)}` });
      const hint = uri.sockname !== undefined ? `pyro-ns -u ${uri.sockname}` : `pyro-ns -n ${uri.host}${uri.port === 9090 ? "" : ` -p ${uri.port}`}`;
      throw new NamingError(`Failed to locate the nameserver at ${uri.location}: ${reasonOf(error)} — is one running there? (start one with \`${hint}\`)`, {
        cause: error,
      });
    }
  }
  const tried: string[] = [];
  let lastError: unknown;
  const attempt = async (via: LocateAttempt["via"], uri: URI, label: string = uri.location ?? String(uri)): Promise<NameServerProxy | undefined> => {
    if (log.enabled) log(`trying ${label}`);
    try {
      const found = await connectNameServer(uri, settings);
      if (log.enabled) log(`found the name server at ${uri}`);
      report({ via, description: label, found: uri });
      return found;
    } catch (error) {
      lastError = error;
      tried.push(`${label} (${reasonOf(error)})`);
      report({ via, description: `${label}: ${reasonOf(error)}` });
      if (log.enabled) log(`${label}: ${reasonOf(error)}`);
      return undefined;
    }
  };

  for (const configured of configuredNameServers(config.nsHost, port ?? config.nsPort)) {
    for (const candidate of await loopbackAliases(configured)) {
      const found = await attempt("nsHost", candidate);
      if (found) return found;
    }
  }
  const discovery = new Set(config.nsDiscovery);
  const discoveries: [LocateAttempt["via"], () => Promise<Discovered>][] = [];
  const broadcastOff = request.broadcast === false || (request.broadcast === undefined && !discovery.has("broadcast"));
  const mdnsOff = request.mdns === false || (request.mdns === undefined && !discovery.has("mdns"));
  discoveries.push(["broadcast", broadcastOff ? async () => "no broadcast (turned off)" : () => broadcastStep(config, port)]);
  discoveries.push(["mdns", mdnsOff ? async () => "no mDNS (turned off)" : () => mdnsStep(request.mdnsTimeout ?? MDNS_BROWSE_SECONDS)]);
  for (const [via, discover] of discoveries) {
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
  throw new NamingError(`no name server found: tried ${tried.join(", ")} — start one with \`pyro-ns\` (\`pyro-ns -n 0.0.0.0\` to serve other machines)`, {
    cause: lastError,
  });
}

/** Seconds a connect attempt to a name server may take when `COMMTIMEOUT` sets no limit. */
export const LOCATE_CONNECT_SECONDS = 5;

/**
 * The name servers `NS_HOST` names, in order: one host, or a comma-separated list of `host`,
 * `host:port`, `[v6]`, `[v6]:port` or `./u:/path` entries (`defaultPort` where none is given).
 */
export function configuredNameServers(nsHost: string, defaultPort: number): URI[] {
  const uris: URI[] = [];
  for (const raw of nsHost.split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    if (entry.startsWith("./u:")) {
      uris.push(nameServerUri(entry, defaultPort));
      continue;
    }
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    const withPort = /^([^:]+):(\d+)$/.exec(entry);
    const [host, port] = bracketed ? [bracketed[1]!, bracketed[2]] : withPort ? [withPort[1]!, withPort[2]] : [entry, undefined];
    uris.push(nameServerUri(host, port === undefined ? defaultPort : Number(port)));
  }
  return uris;
}

/** A discovery step's answer (a URI to connect to), or what it tried when it found none. */
type Discovered = { uri: URI; label: string } | string;

async function broadcastStep(config: PyroConfig, port: number | undefined): Promise<Discovered> {
  // As Pyro4: IPv6 has no broadcast.
  if (config.preferIpVersion === 6) return "no broadcast (PREFER_IP_VERSION=6)";
  const outcome = await queryBroadcast({ addresses: config.broadcastAddrs, port: port ?? config.nsBcPort });
  const targets = outcome.targets.join(" + ") || "(no IPv4 broadcast address configured)";
  if (outcome.uri) return { uri: outcome.uri, label: `broadcast ${targets}: answer ${outcome.uri} from ${outcome.from}` };
  const notes = [`no answer in ${outcome.seconds.toFixed(1)} s`];
  for (const [target, code] of outcome.sendErrors) notes.push(`${target}: ${code}`);
  if (outcome.ignoredReplies > 0) notes.push(`${outcome.ignoredReplies} unusable repl${outcome.ignoredReplies === 1 ? "y" : "ies"} ignored`);
  return `broadcast ${targets} (${notes.join("; ")})`;
}

async function mdnsStep(seconds: number): Promise<Discovered> {
  const outcome = await browseMdns(seconds);
  const label = `mDNS _${MDNS_SERVICE_TYPE}._tcp`;
  if (outcome.uri) return { uri: outcome.uri, label: `${label}: ${outcome.uri} from "${outcome.service}"` };
  return `${label} (${outcome.error ? `${outcome.error}; ` : ""}no answer in ${outcome.seconds.toFixed(1)} s)`;
}

/** `PYRO:Pyro.NameServer@host:port`, or `@./u:path` for a Unix socket host. */
export function nameServerUri(host: string, port: number): URI {
  if (host.startsWith("./u:")) return new URI({ protocol: "PYRO", object: NAMESERVER_NAME, sockname: host.slice(4) });
  return new URI({ protocol: "PYRO", object: NAMESERVER_NAME, host, port });
}

/** `uri`, and for `localhost` also `127.0.1.1` when that address has a name in /etc/hosts. */
async function loopbackAliases(uri: URI): Promise<URI[]> {
  if (uri.host !== "localhost") return [uri];
  // Debian maps the hostname to 127.0.1.1 in /etc/hosts; Pyro4 then tries it too. Pyro4 asks
  // with a reverse lookup, which can wait seconds for an unreachable DNS server: read the file.
  return (await hostsFileHas("127.0.1.1")) ? [uri, nameServerUri("127.0.1.1", uri.port!)] : [uri];
}

async function hostsFileHas(address: string): Promise<boolean> {
  try {
    const text = await readFile("/etc/hosts", "latin1");
    return text.split("\n").some((line) => {
      const fields = line.replace(/#.*/, "").trim().split(/\s+/);
      return fields[0] === address && fields.length > 1;
    });
  } catch {
    return false;
  }
}

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
