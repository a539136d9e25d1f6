/**
 * Addresses: which bind addresses are loopback or "every interface" (the latter, and which address
 * to hand out then, come from core).
 */
import { lookup } from "node:dns/promises";
import net from "node:net";
import os from "node:os";

export { ANY_HOSTS, firstExternalIPv4, reachableHost } from "@pyrots/core/internal";

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

/**
 * An IP address in one canonical text form, so that two spellings of one address compare equal:
 * IPv4-mapped IPv6 becomes IPv4, IPv6 is compressed and lower case, brackets and zone ids go.
 * Undefined for anything that is not an IP address.
 */
export function canonicalIp(text: string): string | undefined {
  let address = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const zone = address.indexOf("%");
  if (zone >= 0) address = address.slice(0, zone);
  const kind = net.isIP(address);
  if (kind === 4) return address;
  if (kind !== 6) return undefined;
  const compressed = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(compressed);
  if (!mapped) return compressed;
  const high = parseInt(mapped[1]!, 16);
  const low = parseInt(mapped[2]!, 16);
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/** Whether a canonical IP address is a loopback address (127.0.0.0/8 or ::1). */
export function isLoopbackIp(address: string): boolean {
  return address === "::1" || (net.isIPv4(address) && address.startsWith("127."));
}

/** This machine's addresses (every interface, loopback included), canonical. */
export function localAddresses(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): Set<string> {
  const addresses = new Set<string>();
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      const address = canonicalIp(info.address);
      if (address !== undefined) addresses.add(address);
    }
  }
  return addresses;
}

/**
 * The host part of a peer address as the daemon reports it (`1.2.3.4:5`, `[::1]:5`), canonical;
 * undefined when it names no IP address (a Unix socket peer is `unknown`).
 */
export function peerHost(address: string): string | undefined {
  const colon = address.lastIndexOf(":");
  if (colon < 0) return undefined;
  return canonicalIp(address.slice(0, colon));
}
