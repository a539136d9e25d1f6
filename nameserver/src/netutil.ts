/**
 * Addresses: which bind addresses are loopback or "every interface" (the latter, and which address
 * to hand out then, come from core).
 */
import { lookup } from "node:dns/promises";
import net from "node:net";

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
