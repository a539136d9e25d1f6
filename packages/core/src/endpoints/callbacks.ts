/**
 * Where proxies that a daemon receives from clients (callbacks) may connect.
 *
 * A client can put any address in a proxy it sends. If the daemon called back wherever that
 * points, any client could make it connect to hosts and ports of its choosing on the daemon's
 * network. By default a callback proxy may connect only to the host the client connected from
 * (where a Pyro callback daemon lives); `callbackHosts` widens that.
 */
import net from "node:net";
import { SecurityError } from "../errors.js";
import type { PeerInfo } from "../daemon/settings.js";
import type { ConnectRule } from "../proxy/settings.js";
import type { ListenAddress } from "../transport/socket.js";
import type { URI } from "../uri.js";

/** The `callbackHosts` option of `Daemon.create`. */
export type CallbackHosts = "client" | "any" | readonly string[];

/** The connect rule for callback proxies received from `peer`; undefined when any address is allowed. */
export function callbackRule(hosts: CallbackHosts, peer: PeerInfo): ConnectRule | undefined {
  if (hosts === "any") return undefined;
  return async (address, uri) => {
    if ("path" in address) {
      // A Unix socket client is on this machine already; one that came over TCP may not name local sockets.
      if (peer.host === undefined) return address;
      throw refusal(uri, `a Unix socket of this machine`, peer);
    }
    const resolved = await addressesOf(address.host);
    const allowed = hosts === "client" ? clientAddresses(peer) : await listedAddresses(hosts);
    const ok = resolved.find((candidate) => allowed.has(candidate) || (allowed.has(LOOPBACK) && isLoopback(candidate)));
    if (ok === undefined) throw refusal(uri, address.host, peer, hosts);
    return { host: ok, port: address.port } satisfies ListenAddress;
  };
}

const LOOPBACK = "loopback";

function clientAddresses(peer: PeerInfo): Set<string> {
  if (peer.host === undefined) return new Set([LOOPBACK]);
  const host = normalize(peer.host);
  return new Set(isLoopback(host) ? [host, LOOPBACK] : [host]);
}

async function listedAddresses(hosts: readonly string[]): Promise<Set<string>> {
  const allowed = new Set<string>();
  for (const host of hosts) for (const address of await addressesOf(host).catch(() => [])) allowed.add(address);
  return allowed;
}

async function addressesOf(host: string): Promise<string[]> {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (net.isIP(bare)) return [normalize(bare)];
  // Loaded here, not at start-up: only callbacks to host names need a resolver.
  const { lookup } = await import("node:dns/promises");
  const found = await lookup(bare, { all: true });
  return found.map((entry) => normalize(entry.address));
}

/** IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`, as dual-stack sockets report peers) as plain IPv4. */
function normalize(address: string): string {
  return address.startsWith("::ffff:") && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}

function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.");
}

function refusal(uri: URI, target: string, peer: PeerInfo, hosts: CallbackHosts = "client"): SecurityError {
  const rule =
    typeof hosts === "string" ? `the host the client connected from (${peer.host ?? "a Unix socket"})` : `the callbackHosts list (${hosts.join(", ")})`;
  return new SecurityError(
    `refused to connect the proxy ${uri} that client ${peer.address} sent: it points at ${target}, and callback proxies may connect only to ${rule}; ` +
      `widen this with the daemon option callbackHosts`,
  );
}
