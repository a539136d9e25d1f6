/**
 * @pyrots/observability — metrics (Prometheus, through prom-client) and tracing (OpenTelemetry,
 * through its global API) for pyrots daemons, proxies, name servers and gateways. Both are
 * instruments (`instruments` in `@pyrots/core`): nothing is measured, and prom-client is not even
 * loaded, unless one is given.
 *
 * ```ts
 * import { Daemon } from "@pyrots/core";
 * import { openTelemetryTracing, prometheusMetrics, serveMetrics } from "@pyrots/observability";
 *
 * const metrics = await prometheusMetrics();
 * const daemon = await Daemon.create({ instruments: [metrics, openTelemetryTracing()] });
 * await serveMetrics(metrics, { host: "0.0.0.0", port: 9464 });     // GET /metrics
 * ```
 */
import type { PrometheusMetrics, PrometheusOptions } from "./prometheus/index.js";

export { openTelemetryTracing, TRACER_NAME, type TracingOptions } from "./tracing.js";
export { TRACE_ANNOTATION, MAX_TRACE_BYTES, MAX_TRACESTATE_LENGTH, encodeTraceContext, decodeTraceContext, parseTraceContext } from "./trace-context.js";
export { serveMetrics, type MetricsSource, type MetricsEndpoint, type ServeMetricsOptions } from "./serve.js";
export type { PrometheusMetrics, PrometheusOptions, Labels, Reader } from "./prometheus/index.js";

/** Loads prom-client and makes a {@link PrometheusMetrics} (see `@pyrots/observability/prometheus`). */
export async function prometheusMetrics(options?: PrometheusOptions): Promise<PrometheusMetrics> {
  const { PrometheusMetrics } = await import("./prometheus/index.js");
  return new PrometheusMetrics(options);
}
