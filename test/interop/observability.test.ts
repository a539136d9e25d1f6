/**
 * Metrics and tracing with real Python Pyro4 on the other side: a traced pyrots proxy's `TRCE`
 * annotation reaches a Python daemon, which keeps it among its call context's annotations and
 * otherwise ignores it (the call works as ever); a Python client calls a traced, metered pyrots
 * daemon, which serves it in a new trace and counts it.
 */
import { expect } from "chai";
import { SpanKind } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { Daemon, Proxy, currentContext, expose } from "@pyrots/core";
import { openTelemetryTracing, prometheusMetrics } from "@pyrots/observability";
import { parseExposition } from "../support/prometheus.js";
import { type PythonDaemon, describeInterop } from "../support/python.js";
import { runFeatureClient, startFeatureDaemon, valueOf } from "./feature-support.js";

/** Tracing into an exporter of this suite's own (no global provider is registered in the test process). */
function localTracing() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, tracing: openTelemetryTracing({ tracerProvider }) };
}

@expose
class Inspector {
  whoAmI(): { keys: string[] } {
    return { keys: [...currentContext().annotations.keys()].sort() };
  }
}

interface PyInspectorApi {
  who_am_i(): { annotations: Record<string, string> };
}

describeInterop("tracing and metrics with Python Pyro4 peers", function () {
  this.timeout(60_000);

  it("a Python Pyro4 daemon takes a traced call: TRCE arrives in its current_context.annotations as W3C text", async () => {
    let python: PythonDaemon | undefined;
    const { exporter, tracing } = localTracing();
    try {
      python = await startFeatureDaemon("serpent");
      await using inspector = new Proxy<PyInspectorApi>(python.uris.inspector!, { serializer: "serpent", instruments: [tracing] });
      const seen = await inspector.who_am_i();
      const [span] = exporter.getFinishedSpans().filter((s) => s.name.endsWith("/who_am_i"));
      expect(span?.kind).to.equal(SpanKind.CLIENT);
      expect(span!.status.code, "the call succeeded").not.to.equal(2);
      const { traceId, spanId } = span!.spanContext();
      expect(seen.annotations).to.deep.equal({ TRCE: `00-${traceId}-${spanId}-01` });
    } finally {
      await python?.stop();
    }
  });

  it("a Python Pyro4 client calls a traced, metered pyrots daemon: served in a new trace, and counted", async () => {
    const { exporter, tracing } = localTracing();
    const metrics = await prometheusMetrics();
    await using daemon = await Daemon.create({ host: "127.0.0.1", instruments: [metrics, tracing] });
    daemon.register(Inspector, "interop.inspector");
    const results = await runFeatureClient(daemon.locationStr, "serpent", ["context"]);
    expect(valueOf(results, "context.next_call")).to.deep.equal({ keys: ["CORR"] });
    const served = exporter.getFinishedSpans().filter((s) => s.name === "interop.inspector/whoAmI");
    expect(served).to.have.length(2);
    for (const span of served) {
      expect(span.kind).to.equal(SpanKind.SERVER);
      expect(span.parentSpanContext, "no trace context came with the call").to.equal(undefined);
    }
    const scrape = parseExposition(await metrics.metrics());
    expect(scrape.value("pyrots_daemon_calls_total", { object: "interop.inspector", method: "whoAmI", outcome: "ok" })).to.equal(2);
  });
});
