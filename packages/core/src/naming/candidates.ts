/**
 * Where `locateNS` looks, in order: the replicas `NS_HOST` lists (a loopback `localhost` also as
 * Debian's `127.0.1.1`), then the discovery steps (UDP broadcast, mDNS), each of which answers a
 * URI to try or a line saying what it tried.
 */
import { readFile } from "node:fs/promises";

import type { PyroConfig } from "../config.js";
import { URI } from "../uri.js";
import { MDNS_SERVICE_TYPE, NAMESERVER_NAME } from "./constants.js";

/** The configured replicas with their loopback aliases, those in `tryLast` moved to the end. */
export async function configuredCandidates(nsHost: string, port: number, tryLast: ReadonlySet<string> | undefined): Promise<URI[]> {
  const all: URI[] = [];
  for (const configured of configuredNameServers(nsHost, port)) all.push(...(await loopbackAliases(configured)));
  if (tryLast === undefined || tryLast.size === 0) return all;
  const late = (uri: URI) => tryLast.has(uri.location ?? "");
  return [...all.filter((uri) => !late(uri)), ...all.filter(late)];
}

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
export type Discovered = { uri: URI; label: string } | string;

export async function broadcastStep(config: PyroConfig, port: number | undefined, roundSeconds: number): Promise<Discovered> {
  // As Pyro4: IPv6 has no broadcast.
  if (config.preferIpVersion === 6) return "no broadcast (PREFER_IP_VERSION=6)";
  // The discovery steps load on their first use: most programs name their name server.
  const { queryBroadcast } = await import("./broadcast.js");
  const outcome = await queryBroadcast({ addresses: config.broadcastAddrs, port: port ?? config.nsBcPort, roundSeconds });
  const targets = outcome.targets.join(" + ") || "(no IPv4 broadcast address configured)";
  if (outcome.uri) return { uri: outcome.uri, label: `broadcast ${targets}: answer ${outcome.uri} from ${outcome.from}` };
  const notes = [`no answer in ${outcome.seconds.toFixed(1)} s`];
  for (const [target, code] of outcome.sendErrors) notes.push(`${target}: ${code}`);
  if (outcome.ignoredReplies > 0) notes.push(`${outcome.ignoredReplies} unusable repl${outcome.ignoredReplies === 1 ? "y" : "ies"} ignored`);
  return `broadcast ${targets} (${notes.join("; ")})`;
}

export async function mdnsStep(seconds: number): Promise<Discovered> {
  const { browseMdns } = await import("./mdns.js");
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
