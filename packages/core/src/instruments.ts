/**
 * Instruments: where metrics and tracing plug into daemons and proxies. An instrument is told of
 * each call a daemon serves (`serving`) and each call a proxy makes (`calling`), and answers with
 * a {@link CallWatch} that learns how the call ended; a tracing instrument also runs the method
 * inside its span and adds a trace context to outgoing calls. `@pyrots/observability` has a
 * Prometheus and an OpenTelemetry instrument.
 *
 * ```ts
 * const daemon = await Daemon.create({ instruments: [metrics, tracing] });
 * const proxy = new Proxy(uri, { instruments: [tracing] });
 * ```
 *
 * Without instruments (the default), a daemon and a proxy pay one `undefined` check per call.
 * Names an instrument sees on the daemon side come from the daemon's own registrations, never
 * from what a client sent: an unknown object or method is {@link UNKNOWN_NAME}.
 */
import type { URI } from "./uri.js";

/** Object id or method name of a call naming no registered object or exposed member. */
export const UNKNOWN_NAME = "<unknown>";
/** Method name of a batch of calls (Pyro4's FLAGS_BATCH). */
export const BATCH_METHOD = "<batch>";

/** A call a daemon is about to serve. */
export interface ServedCall {
  /** The registered object's id, or {@link UNKNOWN_NAME}. */
  readonly objectId: string;
  /**
   * An exposed method of that object, `__getattr__`/`__setattr__` for attribute access,
   * {@link BATCH_METHOD}, or {@link UNKNOWN_NAME}.
   */
  readonly method: string;
  readonly oneway: boolean;
  /** The request's annotations: data from the wire, as hostile as any. */
  readonly annotations: ReadonlyMap<string, Uint8Array> | undefined;
}

/** A call a proxy is about to send. */
export interface SentCall {
  /** The URI the call goes to (`PYRO:`, resolved). */
  readonly uri: URI;
  readonly objectId: string;
  readonly method: string;
  readonly oneway: boolean;
}

/** Follows one call; every method must return normally (a failure would be the call's). */
export interface CallWatch {
  /**
   * Annotations to add to the request (proxy side only), unless the caller set the same id
   * itself: a trace context, for example.
   */
  readonly annotations?: ReadonlyMap<string, Uint8Array>;
  /**
   * Runs the method's synchronous part (daemon side only); a tracer makes its span the active
   * one here, so calls the method makes become its children.
   */
  run?<T>(body: () => T): T;
  /** The call succeeded (daemon: its answer was sent, or a oneway method returned; proxy: its reply arrived, or a oneway call was sent). */
  succeeded(): void;
  /** The call failed with `error` (what the caller receives, or what a oneway method threw). */
  failed(error: unknown): void;
}

/** How much a daemon holds and has moved, as an instrument reads it. */
export interface DaemonActivity {
  /** Client connections open. */
  readonly connections: number;
  /** Remote iterators open. */
  readonly streams: number;
  /** Instances of `session` mode objects alive (one per connection and object used). */
  readonly sessions: number;
  /** Calls running. */
  readonly callsInFlight: number;
  /** Bytes received from clients since the daemon started (TLS records included). */
  readonly bytesReceived: number;
  /** Bytes sent to clients since the daemon started. */
  readonly bytesSent: number;
}

/** A daemon as an instrument sees it. */
export interface InstrumentedDaemon {
  /** `host:port`, `[v6]:port` or `./u:path`. */
  readonly locationStr: string;
  /** What it holds now. */
  readonly stats: DaemonActivity;
}

/** Sees calls; each part is optional. */
export interface Instrument {
  /** A daemon is about to serve a call; return a watch to follow it. */
  serving?(call: ServedCall): CallWatch | undefined;
  /** A proxy is about to send a call; return a watch to follow it. */
  calling?(call: SentCall): CallWatch | undefined;
  /** A daemon using this instrument started listening. */
  daemonStarted?(daemon: InstrumentedDaemon): void;
  /** That daemon has shut down. */
  daemonStopped?(daemon: InstrumentedDaemon): void;
}

/** One instrument for several (undefined for none), so that daemons and proxies check one field. */
export function combineInstruments(instruments: Instrument | readonly Instrument[] | undefined): Instrument | undefined {
  if (instruments === undefined) return undefined;
  if (!Array.isArray(instruments)) return instruments as Instrument;
  const list = instruments as readonly Instrument[];
  if (list.length <= 1) return list[0];
  const servers = list.filter((instrument) => instrument.serving !== undefined);
  const callers = list.filter((instrument) => instrument.calling !== undefined);
  return Object.freeze({
    serving: servers.length === 0 ? undefined : (call: ServedCall) => combineWatches(servers.map((instrument) => instrument.serving!(call))),
    calling: callers.length === 0 ? undefined : (call: SentCall) => combineWatches(callers.map((instrument) => instrument.calling!(call))),
    daemonStarted: (daemon: InstrumentedDaemon) => list.forEach((instrument) => instrument.daemonStarted?.(daemon)),
    daemonStopped: (daemon: InstrumentedDaemon) => list.forEach((instrument) => instrument.daemonStopped?.(daemon)),
  });
}

function combineWatches(maybe: (CallWatch | undefined)[]): CallWatch | undefined {
  const watches = maybe.filter((watch): watch is CallWatch => watch !== undefined);
  if (watches.length <= 1) return watches[0];
  let annotations: Map<string, Uint8Array> | undefined;
  for (const watch of watches) {
    if (watch.annotations === undefined) continue;
    annotations ??= new Map();
    for (const [id, value] of watch.annotations) if (!annotations.has(id)) annotations.set(id, value);
  }
  const runners = watches.filter((watch) => watch.run !== undefined);
  return {
    annotations,
    run: runners.length === 0 ? undefined : <T>(body: () => T): T => runners.reduceRight<() => T>((inner, watch) => () => watch.run!(inner), body)(),
    succeeded: () => watches.forEach((watch) => watch.succeeded()),
    failed: (error: unknown) => watches.forEach((watch) => watch.failed(error)),
  };
}

/** Asks `instrument` for a watch; an instrument that throws watches nothing (the call goes on). */
export function startServing(instrument: Instrument, call: ServedCall): CallWatch | undefined {
  try {
    return instrument.serving?.(call);
  } catch {
    return undefined;
  }
}

/** The same for the proxy side. */
export function startCalling(instrument: Instrument, call: SentCall): CallWatch | undefined {
  try {
    return instrument.calling?.(call);
  } catch {
    return undefined;
  }
}

/** Tells a watch its call succeeded; a watch that throws is ignored. */
export function watchSucceeded(watch: CallWatch): void {
  try {
    watch.succeeded();
  } catch {
    // an instrument's failure must not become the call's
  }
}

/** Tells a watch its call failed; a watch that throws is ignored. */
export function watchFailed(watch: CallWatch, error: unknown): void {
  try {
    watch.failed(error);
  } catch {
    // an instrument's failure must not become the call's
  }
}
