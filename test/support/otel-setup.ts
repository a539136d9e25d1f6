/**
 * Loaded with `node --import` into a process a tracing suite starts: registers the OpenTelemetry
 * SDK globally (a tracer provider with the in-memory exporter, the AsyncLocalStorage context
 * manager) and, when the process exits, writes the finished spans as JSON lines to the file named
 * by `OTEL_SPANS_FILE`, each tagged with `OTEL_PROCESS_NAME`, for the suite to read.
 */
import { writeFileSync } from "node:fs";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { SpanRecord } from "./spans.js";

const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

const file = process.env.OTEL_SPANS_FILE;
const processName = process.env.OTEL_PROCESS_NAME ?? String(process.pid);
if (file !== undefined) {
  process.on("exit", () => {
    const lines = exporter.getFinishedSpans().map((span) => {
      const record: SpanRecord = {
        process: processName,
        name: span.name,
        kind: span.kind,
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        parentSpanId: span.parentSpanContext?.spanId,
        links: span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId })),
        attributes: span.attributes as SpanRecord["attributes"],
        status: span.status.code,
      };
      return JSON.stringify(record);
    });
    writeFileSync(file, lines.map((line) => `${line}\n`).join(""));
  });
}
