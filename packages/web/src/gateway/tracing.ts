/**
 * OpenTelemetry tracing for the gateway (the `tracing` option): a SERVER span per call, child of
 * the trace context the HTTP request carries (`traceparent`/`tracestate` headers, as a browser's
 * OpenTelemetry instrumentation sends them; anything invalid starts a new trace), and that span's
 * context sent with the Pyro call in the `TRCE` annotation, so the daemon's span becomes its child.
 *
 * The span is named `gateway/<kind>` until the call ends, then `name/method` unless the object has
 * no such member (a name an HTTP client made up stays out of span names). Attributes: `rpc.*`,
 * `pyro.correlation_id`, `http.response.status_code`, and `error.type` (the error kind) on failure.
 */
import { type Attributes, ROOT_CONTEXT, SpanKind, SpanStatusCode, type TracerProvider, trace } from "@opentelemetry/api";
import { TRACE_ANNOTATION, encodeTraceContext, parseTraceContext } from "@pyrots/observability";
import type { IncomingHttpHeaders } from "node:http";
import type { CallStart, GatewayTracer, TraceSpan } from "./hooks.js";

/** Options of {@link openTelemetryGatewayTracer}. */
export interface GatewayTracingOptions {
  /** Where spans go; default: the global tracer provider. */
  tracerProvider?: TracerProvider;
}

/** A {@link GatewayTracer} recording OpenTelemetry spans through the global API. */
export function openTelemetryGatewayTracer(options: GatewayTracingOptions = {}): GatewayTracer {
  const name = "@pyrots/web";
  const tracer = options.tracerProvider ? options.tracerProvider.getTracer(name) : trace.getTracer(name);
  return {
    startCall(start: CallStart): TraceSpan {
      const remote = remoteContext(start.headers);
      const parent = remote === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, remote);
      const attributes: Attributes = {
        "rpc.system": "pyro",
        "rpc.service": start.name,
        "rpc.method": start.method,
        "pyro.gateway.kind": start.kind,
        "pyro.correlation_id": start.correlationId,
      };
      const span = tracer.startSpan(`gateway/${start.kind}`, { kind: SpanKind.SERVER, attributes }, parent);
      const context = encodeTraceContext(span.spanContext());
      return {
        annotations: context === undefined ? undefined : { [TRACE_ANNOTATION]: context },
        end(event) {
          if (event.error !== "not-found") span.updateName(`${event.name}/${event.method}`);
          else span.setAttribute("rpc.method", "<unknown>");
          span.setAttribute("http.response.status_code", event.status);
          if (!event.ok) {
            span.setAttribute("error.type", event.error ?? "unknown");
            span.setStatus({ code: SpanStatusCode.ERROR, message: event.error });
          }
          span.end();
        },
      };
    },
  };
}

/** The caller's trace context from the W3C headers; undefined when absent, repeated or invalid. */
function remoteContext(headers: IncomingHttpHeaders) {
  const traceparent = headers.traceparent;
  if (typeof traceparent !== "string") return undefined;
  const tracestate = headers.tracestate;
  return parseTraceContext(traceparent.trim(), typeof tracestate === "string" ? tracestate : undefined);
}
