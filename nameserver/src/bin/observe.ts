/**
 * `pyro-ns --metrics [HOST:]PORT` and `--tracing`: loads `@pyrots/observability` (an optional
 * peer dependency) only when asked, so without these flags neither prom-client nor OpenTelemetry
 * is loaded, and serves the metrics on their own port.
 */
import type { Instrument } from "@pyrots/core";
import type { MetricsEndpoint } from "@pyrots/observability";
import type { PrometheusMetrics } from "@pyrots/observability/prometheus";
import { UsageError, parsePortOption } from "../cli.js";

/** Where `--metrics` serves: `PORT` (host undefined: the name server's), `HOST:PORT` or `[V6]:PORT`. */
export function parseMetricsAddress(value: string): { host: string | undefined; port: number } {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(value);
  if (bracketed) return { host: bracketed[1]!, port: parsePortOption(bracketed[2], "--metrics")! };
  const colon = value.lastIndexOf(":");
  if (colon < 0) return { host: undefined, port: parsePortOption(value, "--metrics")! };
  const host = value.slice(0, colon);
  if (host === "" || host.includes(":")) throw new UsageError(`--metrics must be PORT, HOST:PORT or [IPv6]:PORT, got ${JSON.stringify(value)}`);
  return { host, port: parsePortOption(value.slice(colon + 1), "--metrics")! };
}

/** What the flags asked for. */
export interface Observation {
  /** The name server's Prometheus metrics, with `--metrics`. */
  readonly metrics: PrometheusMetrics | undefined;
  /** Instruments for its daemon (tracing, with `--tracing`). */
  readonly instruments: Instrument[];
}

/** Loads what `--metrics` and `--tracing` need. */
export async function observation(metrics: boolean, tracing: boolean): Promise<Observation> {
  if (!metrics && !tracing) return { metrics: undefined, instruments: [] };
  const observability = await loadObservability(metrics ? "--metrics" : "--tracing");
  return {
    metrics: metrics ? await observability.prometheusMetrics({ processMetrics: true }) : undefined,
    instruments: tracing ? [observability.openTelemetryTracing()] : [],
  };
}

/** Serves `metrics` at `http://HOST:PORT/metrics`. */
export async function serveNameServerMetrics(metrics: PrometheusMetrics, address: { host: string; port: number }): Promise<MetricsEndpoint> {
  const { serveMetrics } = await loadObservability("--metrics");
  return serveMetrics(metrics, address);
}

/** `@pyrots/observability`, an optional peer of this package; a clear error without it. */
async function loadObservability(flag: string): Promise<typeof import("@pyrots/observability")> {
  try {
    return await import("@pyrots/observability");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" && (error as Error).message.includes("'@pyrots/observability'");
    if (!missing) throw error;
    throw new Error(`${flag} needs the @pyrots/observability package: install it beside @pyrots/nameserver (npm install @pyrots/observability)`, {
      cause: error,
    });
  }
}
