/**
 * Which address of this machine to hand out for a socket bound to "every interface": clients
 * cannot connect to 0.0.0.0, so URIs must carry a reachable address instead.
 */
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
 * The host to put in URIs for a socket bound to `boundHost`: the bound host itself, or for
 * "every interface" the first external IPv4 address of this machine.
 */
export function reachableHost(boundHost: string, interfaces?: NodeJS.Dict<os.NetworkInterfaceInfo[]>): string {
  return ANY_HOSTS.has(boundHost) ? firstExternalIPv4(interfaces) : boundHost;
}
