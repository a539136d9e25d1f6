/**
 * What a failed call's error says about where the call got to, for callers that may send it
 * again (pool proxies):
 *
 * - **not sent**: the call never left this process (no connection could be opened, the handshake
 *   was refused, its connection closed before it was written), or the daemon refused it unrun
 *   (a draining daemon's `DRAN` answer). Sending it elsewhere is always safe.
 * - **from a reply**: the daemon answered with an exception, so the call ran there (or was
 *   refused by the daemon's rules): a fact about the call, not about the connection.
 *
 * Everything else (a connection lost with the call in flight, a timeout) leaves open whether the
 * call ran. The marks are non-enumerable symbol properties on the error objects themselves.
 */

const NOT_SENT = Symbol("pyrots.notSent");
const FROM_REPLY = Symbol("pyrots.fromReply");

/** Marks `error` as the failure of a call that never reached (or was never run by) the daemon; returns it. */
export function markNotSent<E>(error: E): E {
  if (error instanceof Error && !Object.hasOwn(error, NOT_SENT)) Object.defineProperty(error, NOT_SENT, { value: true });
  return error;
}

/** True when `error` failed a call that provably never ran. */
export function wasNotSent(error: unknown): boolean {
  return error instanceof Error && Object.hasOwn(error, NOT_SENT);
}

/** Marks `error` as the daemon's exception answer to a call; returns it. */
export function markFromReply<E>(error: E): E {
  if (error instanceof Error && !Object.hasOwn(error, FROM_REPLY)) Object.defineProperty(error, FROM_REPLY, { value: true });
  return error;
}

/** True when `error` is what the daemon answered (the call reached it). */
export function cameFromReply(error: unknown): boolean {
  return error instanceof Error && Object.hasOwn(error, FROM_REPLY);
}
