/**
 * What `target-daemon.js '{"observe": true}'` adds: the Prometheus and OpenTelemetry instruments
 * (with the OpenTelemetry SDK registered, so spans are really made and dropped), and its metrics
 * served on a free port, announced as `METRICS <url>`; `"observe": "metrics"` or `"tracing"` adds
 * only one of them. Loaded only then.
 */
import type { Instrument } from "@pyrots/core";

/** The instruments of an observed target daemon: both, or only `which`. */
export async function observedInstruments(which: true | "metrics" | "tracing"): Promise<Instrument[]> {
  const { context, trace } = await import("@opentelemetry/api");
  const { AsyncLocalStorageContextManager } = await import("@opentelemetry/context-async-hooks");
  const { BasicTracerProvider } = await import("@opentelemetry/sdk-trace-base");
  const { openTelemetryTracing, prometheusMetrics, serveMetrics } = await import("@pyrots/observability");
  const instruments: Instrument[] = [];
  if (which !== "tracing") {
    const metrics = await prometheusMetrics();
    const endpoint = await serveMetrics(metrics, { host: "127.0.0.1", port: 0 });
    endpoint.server.unref();
    process.stdout.write(`METRICS ${endpoint.url}\n`);
    instruments.push(metrics);
  }
  if (which !== "metrics") {
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    instruments.push(openTelemetryTracing());
  }
  return instruments;
}
