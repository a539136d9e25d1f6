/**
 * Which registrations autoclean may check, and where it connects to check them. Anyone may
 * register any URI, so without a rule the name server would connect, periodically, to whatever
 * hosts and ports its clients name: a port scanner for hire, with removals as its report.
 *
 * The rule: a `PYRO:` registration is checked only on the host that registered it.
 *
 * | registered from                         | checked when the URI is                               | connect to           |
 * | --------------------------------------- | ----------------------------------------------------- | -------------------- |
 * | a remote address A                      | on host A (IP A, or a host name resolving to A)       | A, the URI's port    |
 * | this machine (loopback, one of its addresses, a Unix socket client, in-process) | a Unix socket, or on this machine (loopback, its addresses, a name resolving to them) | those local addresses, the URI's port |
 * | unknown (written by Pyro4, or before pyrots kept registrants) | never                            |                      |
 *
 * Everything else (a URI on another host, a NAT address, a name that does not resolve) is never
 * checked and so never removed by autoclean. Python Pyro4 daemons register from their own host, so
 * their registrations are checked as before.
 */
import { lookup } from "node:dns/promises";
import type { URI } from "@pyrots/core";
import { LOCAL_ORIGIN } from "./caller.js";
import { canonicalIp, isLoopbackIp } from "./netutil.js";

/** Where to check a registration: a Unix socket, or a port on one of some addresses (tried in order). */
export type PingTarget = { readonly path: string } | { readonly addresses: readonly string[]; readonly port: number };

/** What {@link pingTarget} needs to know about this machine and names. */
export interface PingPolicyContext {
  /** This machine's addresses, canonical. */
  readonly localAddresses: ReadonlySet<string>;
  /** The canonical addresses a host name resolves to (empty when it does not). */
  resolve(host: string): Promise<string[]>;
}

/** Where autoclean may connect to check `uri`, registered from `registrant`; undefined: never checked. */
export async function pingTarget(uri: URI, registrant: string | undefined, context: PingPolicyContext): Promise<PingTarget | undefined> {
  if (uri.protocol !== "PYRO" || registrant === undefined) return undefined;
  const isLocal = (address: string) => isLoopbackIp(address) || context.localAddresses.has(address);
  const fromHere = registrant === LOCAL_ORIGIN || isLocal(registrant);
  if (uri.sockname !== undefined) return fromHere ? { path: uri.sockname } : undefined;
  if (uri.host === undefined || uri.port === undefined) return undefined;
  const literal = canonicalIp(uri.host);
  const addresses = literal !== undefined ? [literal] : await context.resolve(uri.host);
  const allowed = fromHere ? addresses.filter(isLocal) : addresses.filter((address) => address === registrant);
  return allowed.length > 0 ? { addresses: [...new Set(allowed)], port: uri.port } : undefined;
}

/** Resolves host names with the system resolver (`/etc/hosts`, DNS), canonical; empty on failure. */
export async function resolveHost(host: string): Promise<string[]> {
  try {
    const found = await lookup(host, { all: true, verbatim: true });
    return found.map((entry) => canonicalIp(entry.address)).filter((address): address is string => address !== undefined);
  } catch {
    return [];
  }
}
