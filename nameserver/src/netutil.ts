/**
 * Addresses: which bind addresses are loopback or "every interface", and which address of this
 * machine to hand out when bound to every interface.
 */
import { lookup } from "node:dns/promises";
import net from "node:net";
import os from "node:os";

/** Bind hosts meaning "every interface". */
export const ANY_HOSTS: ReadonlySet<string> = new Set(["0.0.0.0", "::", ""]);

/** The first non-internal IPv4 address of this machine, or 127.0.0.1 when there is none. */
export function firstExternalIPv4(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): string {
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) if (info.family === "IPv4" && !info.internal) return info.address;
  }
  return "127.0.0.1";
}

/**
 * The host to put in URIs handed out for a daemon bound to `boundHost`: the bound host itself, or
 * for "every interface" the first external IPv4 address (clients cannot connect to 0.0.0.0).
 */
export function reachableHost(boundHost: string, interfaces?: NodeJS.Dict<os.NetworkInterfaceInfo[]>): string {
  return ANY_HOSTS.has(boundHost) ? firstExternalIPv4(interfaces) : boundHost;
}

/**
 * What kind of address a bind host is, resolving host names: `0.0.0.0` counts as IPv4 and `::`
 * as IPv6 (the broadcast responder is IPv4-only, as Pyro4's is).
 */
export async function classifyHost(host: string): Promise<"loopback" | "ipv6" | "ipv4"> {
  if (host === "" || host === "0.0.0.0") return "ipv4";
  let address = host;
  if (net.isIP(host) === 0) {
    try {
      address = (await lookup(host)).address;
    } catch {
      return "ipv4";
    }
  }
  if (address.startsWith("127.") || address === "::1") return "loopback";
  return net.isIPv6(address) ? "ipv6" : "ipv4";
}
