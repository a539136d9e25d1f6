/**
 * The gateway's options, their defaults, and the immutable settings made from them once.
 *
 * | option          | default         | meaning                                                           |
 * | --------------- | --------------- | ----------------------------------------------------------------- |
 * | `host`, `port`  | localhost, 8080 | where the HTTP server listens (port 0: any free port)             |
 * | `expose`        | `http\.`        | Python regex (`re.match`) of the names HTTP clients may reach     |
 * | `gatewayKey`    | none            | key every API request must carry (`X-Pyro-Gateway-Key` or `$key`) |
 * | `nameServer`    | locate it       | `{ uri }` or `{ host, port }` of the name server                  |
 * | `timeout`       | 30 s            | longest a call may take; clients may ask for less (0: no limit)   |
 * | `prefix`        | none            | URL path the gateway lives under behind a reverse proxy           |
 * | `cors`          | none            | origins allowed to call from other sites (`"*"` for any)          |
 * | `maxBody`       | 1 MiB           | largest request body                                              |
 * | `maxDepth`      | 64              | deepest nesting of arrays and objects in a JSON body              |
 * | `tracebacks`    | false           | send remote tracebacks to HTTP clients                            |
 * | `metrics`       | none            | a `PrometheusMetrics` to fill and serve at `P/metrics`            |
 * | `tracing`       | false           | OpenTelemetry spans around calls (see `tracing.ts`)               |
 */
import type { ProxyOptions } from "@pyrots/core";
import { InvalidRegexError, compilePythonMatch } from "@pyrots/nameserver";
import type { PrometheusMetrics } from "@pyrots/observability/prometheus";
import type { CallObserver, GatewayTracer } from "./hooks.js";
import { openTelemetryGatewayTracer } from "./tracing.js";

/** Where the gateway finds its name server. */
export interface NameServerLocation {
  /** The name server's `PYRO:` URI: used as is, no lookup. */
  uri?: string;
  /** Its host (connect there only); without `uri` and `host` the name server is located as `locateNS()` does. */
  host?: string;
  /** Its port (default `PYRO_NS_PORT`, 9090). */
  port?: number;
  /** When locating: broadcast on the local network (default true). */
  broadcast?: boolean;
  /** When locating: browse mDNS (default true). */
  mdns?: boolean;
}

/** Options of `startGateway` and `GatewayApp`; see the module documentation for defaults. */
export interface GatewayOptions {
  /** Host to listen on (default `localhost`). */
  host?: string;
  /** TCP port (default 8080; 0 = any free port). */
  port?: number;
  /** Python regex of exposed names, matched at the start like `re.match` (default `http\.`); `.*` exposes all. */
  expose?: string;
  /** Key HTTP clients must send; unset: none needed. */
  gatewayKey?: string;
  /** The name server; default: located like `locateNS()`. */
  nameServer?: NameServerLocation;
  /** Seconds a call may take at most (default 30; 0 = no limit). Clients may ask for less with `X-Pyro-Timeout`. */
  timeout?: number;
  /** URL path prefix, e.g. `/api/gateway` (default none). */
  prefix?: string;
  /** Origins allowed to call the gateway from other sites: a list, or `"*"` (default none). */
  cors?: readonly string[] | "*";
  /** Largest request body in bytes (default 1 MiB). */
  maxBody?: number;
  /** Deepest nesting of a JSON body (default 64). */
  maxDepth?: number;
  /** Most calls in one batch request (default 100). */
  maxBatch?: number;
  /** Send remote tracebacks in error responses (default false: they reveal server internals). */
  tracebacks?: boolean;
  /** Seconds a name's URI is reused before the name server is asked again (default 2). */
  lookupTtl?: number;
  /** Seconds a client has to send the request headers (default 10). */
  headersTimeout?: number;
  /** Seconds a client has to send the whole request, body included (default 30). */
  requestTimeout?: number;
  /** Concurrent HTTP connections (default 1024; 0 = no limit). */
  maxConnections?: number;
  /** Proxies kept open at most, one per name (default 256). */
  maxPooled?: number;
  /** Names the console's listing returns at most (default 2000). */
  maxListed?: number;
  /** Seconds of calls the statistics cover (default 60). */
  statsWindow?: number;
  /**
   * Options of the gateway's Pyro proxies (default `serializer: "json"`, which Python Pyro4
   * daemons accept as they are, and `poolSize: 8`). `PYRO_*` environment variables apply too.
   */
  proxyOptions?: ProxyOptions;
  /** Receive every finished call (metrics). */
  observers?: readonly CallObserver[];
  /** Opens a span around each call (tracing). */
  tracer?: GatewayTracer;
  /**
   * Prometheus metrics (from `prometheusMetrics()` in `@pyrots/observability`): the gateway counts
   * its HTTP answers and calls into them and serves them at `<prefix>/metrics` (see `metrics.ts`).
   */
  metrics?: PrometheusMetrics;
  /** Trace calls with OpenTelemetry (through its global API) unless `tracer` is given (default false). */
  tracing?: boolean;
}

/** The settings a gateway runs with: the options checked, defaults filled in, frozen. */
export interface GatewaySettings {
  readonly host: string;
  readonly port: number;
  readonly expose: string;
  readonly exposeMatcher: RegExp;
  readonly gatewayKey: string | undefined;
  readonly nameServer: NameServerLocation;
  readonly timeout: number;
  readonly prefix: string;
  readonly cors: readonly string[] | "*" | undefined;
  readonly maxBody: number;
  readonly maxDepth: number;
  readonly maxBatch: number;
  readonly tracebacks: boolean;
  readonly lookupTtl: number;
  readonly headersTimeout: number;
  readonly requestTimeout: number;
  readonly maxConnections: number;
  readonly maxPooled: number;
  readonly maxListed: number;
  readonly statsWindow: number;
  readonly proxyOptions: ProxyOptions;
  readonly observers: readonly CallObserver[];
  readonly tracer: GatewayTracer | undefined;
  readonly metrics: PrometheusMetrics | undefined;
}

/** Pyro's gateway exposes names starting with `http.` unless told otherwise; so does ours. */
export const DEFAULT_EXPOSE = "http\\.";

/** A gateway option with a value that cannot work; the message says which and why. */
export class GatewayOptionError extends Error {}

/** Checks `options` and fills in the defaults. Throws {@link GatewayOptionError}. */
export function gatewaySettings(options: GatewayOptions = {}): GatewaySettings {
  const expose = options.expose ?? DEFAULT_EXPOSE;
  return Object.freeze({
    host: options.host ?? "localhost",
    port: integer("port", options.port ?? 8080, 0, 65535),
    expose,
    exposeMatcher: exposeMatcher(expose),
    gatewayKey: gatewayKey(options.gatewayKey),
    nameServer: Object.freeze({ ...options.nameServer }),
    timeout: seconds("timeout", options.timeout ?? 30, true),
    prefix: normalizePrefix(options.prefix ?? ""),
    cors: corsOrigins(options.cors),
    maxBody: integer("maxBody", options.maxBody ?? 1024 * 1024, 1, 2 ** 31 - 1),
    maxDepth: integer("maxDepth", options.maxDepth ?? 64, 1, 1000),
    maxBatch: integer("maxBatch", options.maxBatch ?? 100, 1, 100_000),
    tracebacks: options.tracebacks ?? false,
    lookupTtl: seconds("lookupTtl", options.lookupTtl ?? 2, true),
    headersTimeout: seconds("headersTimeout", options.headersTimeout ?? 10, false),
    requestTimeout: seconds("requestTimeout", options.requestTimeout ?? 30, false),
    maxConnections: integer("maxConnections", options.maxConnections ?? 1024, 0, 2 ** 31 - 1),
    maxPooled: integer("maxPooled", options.maxPooled ?? 256, 1, 1_000_000),
    maxListed: integer("maxListed", options.maxListed ?? 2000, 1, 1_000_000),
    statsWindow: seconds("statsWindow", options.statsWindow ?? 60, false),
    proxyOptions: Object.freeze({ serializer: "json" as const, poolSize: 8, ...options.proxyOptions }),
    observers: Object.freeze([...(options.observers ?? [])]),
    tracer: options.tracer ?? (options.tracing ? openTelemetryGatewayTracer() : undefined),
    metrics: options.metrics,
  });
}

/** The expose pattern as a RegExp with Python's `re.match` semantics. */
function exposeMatcher(pattern: string): RegExp {
  if (pattern === "") throw new GatewayOptionError('expose pattern is empty: to expose every name say so with ".*"');
  try {
    return compilePythonMatch(pattern);
  } catch (error) {
    if (error instanceof InvalidRegexError) throw new GatewayOptionError(`expose pattern ${JSON.stringify(pattern)}: ${error.message}`);
    throw error;
  }
}

function gatewayKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (key === "") throw new GatewayOptionError("gateway key is empty: leave it unset for no key, or use a long random one");
  return key;
}

const PREFIX_SEGMENT = /^[A-Za-z0-9._~!&'()*+,;=:@-]+$/;

/** `/a/b` from `a/b/`, `/a/b` or `/a/b/`; `""` for none. Refuses what a URL path could not carry as is. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, "");
  if (trimmed === "") return "";
  for (const segment of trimmed.split("/")) {
    if (!PREFIX_SEGMENT.test(segment) || segment === "." || segment === "..") {
      throw new GatewayOptionError(
        `prefix ${JSON.stringify(prefix)}: each path segment must be plain URL characters (letters, digits, ._~-), not empty, . or ..`,
      );
    }
  }
  return `/${trimmed}`;
}

function corsOrigins(cors: readonly string[] | "*" | undefined): readonly string[] | "*" | undefined {
  if (cors === undefined || cors === "*") return cors;
  const origins = cors.map((origin) => {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new GatewayOptionError(`CORS origin ${JSON.stringify(origin)} is not a URL: write it like https://app.example.com`);
    }
    if (parsed.origin !== origin.replace(/\/$/, "")) {
      throw new GatewayOptionError(`CORS origin ${JSON.stringify(origin)} must be scheme://host[:port] only (got a path or more): use ${parsed.origin}`);
    }
    return parsed.origin;
  });
  return Object.freeze(origins);
}

function integer(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new GatewayOptionError(`${name} must be an integer ${min}..${max}, got ${value}`);
  return value;
}

function seconds(name: string, value: number, zeroAllowed: boolean): number {
  if (!Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    throw new GatewayOptionError(`${name} must be a number of seconds ${zeroAllowed ? "≥ 0" : "> 0"}, got ${value}`);
  }
  return value;
}
