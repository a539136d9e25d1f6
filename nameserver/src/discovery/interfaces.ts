/**
 * Which local address a peer can reach us at: the address of the interface whose subnet holds
 * the peer, else the source address the kernel would route from (a connected UDP socket).
 */
import dgram from "node:dgram";
import { isIPv4 } from "node:net";
import os from "node:os";

/** The local address on the same subnet as `peer`, from `os.networkInterfaces()`. */
export function subnetAddressFor(peer: string, interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): string | undefined {
  if (!isIPv4(peer)) return undefined;
  const target = ipv4ToInt(peer);
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (info.family !== "IPv4") continue;
      const mask = ipv4ToInt(info.netmask);
      if (((ipv4ToInt(info.address) ^ target) & mask) === 0) return info.address;
    }
  }
  return undefined;
}

/** The source address the routing table picks for `peer` (no packet is sent). */
export async function routedAddressFor(peer: string): Promise<string | undefined> {
  const socket = dgram.createSocket(isIPv4(peer) ? "udp4" : "udp6");
  socket.on("error", () => {});
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      // Connecting a UDP socket only consults the routing table; port 53 as Pyro4 uses.
      socket.connect(53, peer, () => resolve());
    });
    return socket.address().address;
  } catch {
    return undefined;
  } finally {
    socket.close();
  }
}

/** The address to give `peer` for a service listening on every interface. */
export async function interfaceAddressFor(peer: string): Promise<string | undefined> {
  return subnetAddressFor(peer) ?? (await routedAddressFor(peer));
}

function ipv4ToInt(address: string): number {
  return address.split(".").reduce((value, part) => ((value << 8) | Number(part)) >>> 0, 0);
}
