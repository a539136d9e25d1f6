/**
 * Who is calling a name server method: the connection (for per-connection limits) and the host the
 * call came from (recorded with registrations, for autoclean's rule).
 */
import { type CallContext, currentContext } from "@pyrots/core";
import { peerHost } from "./netutil.js";

/** The origin of in-process calls and of Unix socket clients: this machine. */
export const LOCAL_ORIGIN = "local";

/** The caller of the name server method being served. */
export interface Caller {
  /** One object per client connection (one for all in-process calls): keys per-connection limits. */
  readonly key: object;
  /**
   * Where the call came from: a canonical IP address, {@link LOCAL_ORIGIN}, or undefined when the
   * peer's address is not known.
   */
  readonly origin: string | undefined;
  /** The remote call's context; undefined for in-process calls. */
  readonly context?: CallContext;
}

const IN_PROCESS: Caller = Object.freeze({ key: Object.freeze({ address: "in-process" }), origin: LOCAL_ORIGIN });

/**
 * The caller of the current remote call, or the in-process caller outside one. Call it before the
 * method's first `await` (the call context ends there).
 *
 * @param unixSocket the name server listens on a Unix socket: peers without an IP address are on
 *   this machine. Over TCP such a peer is not trusted to be local.
 */
export function currentCaller(unixSocket: boolean): Caller {
  let context: CallContext;
  try {
    context = currentContext();
  } catch {
    return IN_PROCESS;
  }
  const client = context.client;
  return { key: client, origin: peerHost(client.address) ?? (unixSocket ? LOCAL_ORIGIN : undefined), context };
}
