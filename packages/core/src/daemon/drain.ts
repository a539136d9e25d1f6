/**
 * Draining: a daemon that is shutting down gracefully keeps serving what it already accepted and
 * turns away new work in a way clients can act on.
 *
 * | arrives while draining                      | answer                                                         |
 * | ------------------------------------------- | -------------------------------------------------------------- |
 * | a new connection                            | CONNECTFAIL {@link DRAIN_CONNECT_REFUSAL} (nothing was sent, a pool goes elsewhere) |
 * | a call (or batch) on an open connection     | a `DaemonError` {@link DRAIN_REFUSAL} with the `DRAN` annotation: the call was not run |
 * | a call of `Pyro.Daemon` (remote iterators)  | served, so streams already open can finish                     |
 * | a oneway call                               | run (nobody could be told to send it elsewhere)                |
 *
 * Python Pyro4 clients see an ordinary DaemonError; pyrots pool proxies read `DRAN` as "not run"
 * and send the call to another worker, whatever its method.
 */
import { performance } from "node:perf_hooks";
import { DaemonError } from "../errors.js";
import { Annotation } from "../protocol/constants.js";
import type { Annotations } from "../protocol/message.js";

/** Whether a daemon is draining; shared, by reference, by the daemon and its client connections. */
export interface DrainState {
  draining: boolean;
  /** When (performance.now() ms) the drain began, or a call last arrived and was refused. */
  lastArrival: number;
}

/**
 * Milliseconds with no call arriving before a drained daemon with open connections may close
 * them: a call a client sent just before it learnt of the drain is then refused (and sent
 * elsewhere) rather than lost with the connection.
 */
export const DRAIN_QUIET_MS = 100;

/** The handshake refusal a draining daemon sends new connections. */
export const DRAIN_CONNECT_REFUSAL = "daemon is draining (shutting down gracefully) and takes no new connections: use another daemon";

/** The error text of a call a draining daemon refused without running it. */
export const DRAIN_REFUSAL = "daemon is draining (shutting down gracefully): the call was not run; send it to another daemon";

/** The annotations of a drain refusal: `DRAN`, pyrots' own (Pyro4 ignores it). */
export const DRAIN_ANNOTATIONS: Annotations = new Map([[Annotation.DRAIN, Buffer.from("1")]]);

/** The error a draining daemon answers a call with. */
export function drainRefusal(): DaemonError {
  return new DaemonError(DRAIN_REFUSAL);
}

/** Where a daemon is in its life: serving, draining (finishing what it accepted), or stopped. */
export type DaemonState = "serving" | "draining" | "stopped";

/** How a drain ended. */
export interface DrainOutcome {
  /** True when every call in flight finished and every open remote iterator was closed within the bound. */
  readonly finished: boolean;
  /** Calls still running when the drain ended. */
  readonly callsLeft: number;
  /** Remote iterators still open when the drain ended. */
  readonly streamsLeft: number;
  /** Seconds the drain took. */
  readonly seconds: number;
}

/**
 * What {@link waitUntilQuiet} watches: calls running, iterators open, open connections, how long
 * since a call last arrived (ms), and whether the daemon stopped meanwhile.
 */
export type QuietProbe = () => { calls: number; streams: number; connections: number; sinceArrival: number; stopped: boolean };

/**
 * Resolves once no call runs, no remote iterator is open and (with connections open) no call has
 * arrived for {@link DRAIN_QUIET_MS}; or after `timeoutSeconds` (0 = no bound), or when the daemon
 * stops, whichever comes first. Calls end on their own and iterators when their clients read or
 * close them, so this looks every 20 ms.
 */
export async function waitUntilQuiet(probe: QuietProbe, timeoutSeconds: number): Promise<DrainOutcome> {
  const started = performance.now();
  const bound = timeoutSeconds > 0 ? started + timeoutSeconds * 1000 : Infinity;
  let now = probe();
  const busy = () => now.calls > 0 || now.streams > 0 || (now.connections > 0 && now.sinceArrival < DRAIN_QUIET_MS);
  while (busy() && !now.stopped && performance.now() < bound) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(20, Math.max(1, bound - performance.now()))));
    now = probe();
  }
  return { finished: now.calls === 0 && now.streams === 0, callsLeft: now.calls, streamsLeft: now.streams, seconds: (performance.now() - started) / 1000 };
}
