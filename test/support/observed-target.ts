/**
 * What `target-daemon.js '{"observe": true}'` adds: the Prometheus and OpenTelemetry instruments
 * (with the OpenTelemetry SDK registered, so spans are really made and dropped), and its metrics
 * served on a free port, announced as `METRICS <url>`. Loaded only then.
 */
import type { Instrument } from "@pyrots/core";

/** The instruments of an observed target daemon. */
export async function observedInstruments(): Promise<Instrument[]> {
  const { context, trace } = await import("@opentelemetry/api");
  const { AsyncLocalStorageContextManager } = await import("@opentelemetry/context-async-hooks");
  const { BasicTracerProvider } = await import("@opentelemetry/sdk-trace-base");
  const { openTelemetryTracing, prometheusMetrics, serveMetrics } = await import("@pyrots/observability");
  trace.setGlobalTracerProvider(new BasicTracerProvider());
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const metrics = await prometheusMetrics();
  const endpoint = await serveMetrics(metrics, { host: "127.0.0.1", port: 0 });
  endpoint.server.unref();
  process.stdout.write(`METRICS ${endpoint.url}\n`);
  return [metrics, openTelemetryTracing()];
}
