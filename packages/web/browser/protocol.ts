/**
 * The JSON shapes the gateway answers with, shared by the gateway (which builds them) and the
 * browser client (which reads them). Types only: this module has no code.
 */

/** An error answer; also Pyro4's exception dict (`__class__`, `__exception__`, `args`, `attributes`). */
export interface ErrorBody {
  /** What went wrong: `remote-exception`, `timeout`, `unreachable`, `not-found`, `forbidden`, `bad-request`, ... */
  error: string;
  /** The HTTP status. */
  status: number;
  /** The exception's class, e.g. `builtins.ZeroDivisionError`. */
  type: string;
  message: string;
  args: unknown[];
  attributes: Record<string, unknown>;
  __class__: string;
  __exception__: true;
  /** The remote traceback, when the gateway sends tracebacks. */
  traceback?: string[];
  /** The gateway's own diagnosis, when the gateway sends tracebacks. */
  detail?: string;
}

/** `$meta`: an object's members. */
export interface ObjectMembers {
  methods: string[];
  attributes: string[];
  oneway: string[];
}

/** One registration as `$names` lists it. */
export interface NameEntry {
  name: string;
  uri: string;
  metadata: string[];
}

/** `$names`: the exposed names of the gateway's name server. */
export interface NameListing {
  /** The name server's URI. */
  nameserver: string;
  /** The expose pattern the list is filtered by. */
  pattern: string;
  /** Exposed names, sorted; at most the gateway's `maxListed`. */
  names: NameEntry[];
  /** How many exposed names there are in all. */
  total: number;
}

/** One object's call figures as the gateway saw them. */
export interface ObjectStats {
  name: string;
  /** Calls per second over the window. */
  callsPerSecond: number;
  /** Calls and failed calls in the window. */
  calls: number;
  errors: number;
  /** Latency percentiles in the window, milliseconds (null without calls). */
  p50: number | null;
  p99: number | null;
  /** Since the gateway started. */
  totalCalls: number;
  totalErrors: number;
  /** The last failure: its kind, the method, when (ms since the epoch). */
  lastError: { kind: string; method: string; at: number } | null;
}

/** `$stats`. */
export interface StatsSnapshot {
  /** Seconds the windowed figures cover. */
  window: number;
  /** When the snapshot was taken (ms since the epoch). */
  at: number;
  objects: ObjectStats[];
}

/** One result of a `$batch`, in the order of the calls. */
export type BatchResult = { ok: true; value?: unknown } | { ok: false; error: ErrorBody };

/** `$ping`. */
export interface PingResult {
  ok: true;
  /** Round trip from the gateway to the object's daemon, milliseconds. */
  ms: number;
}
