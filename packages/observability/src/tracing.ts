/**
 * OpenTelemetry tracing for daemons and proxies, through the global OpenTelemetry API (the
 * application registers an SDK, or nothing is recorded):
 *
 * - a proxy call is a CLIENT span, child of the span active where the call is made, and its
 *   context travels to the daemon in the `TRCE` annotation (see `trace-context.ts`);
 * - the daemon serves the call in a SERVER span, child of that context, and runs the method with
 *   the span active: calls the method makes (callbacks, other objects) become its children;
 * - a oneway call's SERVER span starts a trace of its own, linked to the caller's span (the
 *   caller does not wait for it).
 *
 * Span names are `objectId/method` (the daemon's own names for what clients ask; see
 * `instruments.ts` in core), with the RPC attributes `rpc.system` (`pyro`), `rpc.service` and
 * `rpc.method`; a failed call has status ERROR and `error.type`, the exception's Pyro class name.
 */
import {
  type Attributes,
  type Context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  context,
  trace,
} from "@opentelemetry/api";
import { type CallWatch, type Instrument, type SentCall, type ServedCall, UNKNOWN_NAME, pythonNameOf } from "@pyrots/core/internal";
import { TRACE_ANNOTATION, decodeTraceContext, encodeTraceContext } from "./trace-context.js";

/** The instrumentation scope spans are recorded under. */
export const TRACER_NAME = "@pyrots/observability";

/** Options of {@link openTelemetryTracing}. */
export interface TracingOptions {
  /** Where spans go; default: the global tracer provider (`trace.setGlobalTracerProvider`, or an SDK's `register()`). */
  tracerProvider?: TracerProvider;
}

/**
 * An instrument that traces calls with OpenTelemetry; give it to daemons and proxies:
 *
 * ```ts
 * const tracing = openTelemetryTracing();
 * const daemon = await Daemon.create({ instruments: [tracing] });
 * const proxy = new Proxy(uri, { instruments: [tracing] });
 * ```
 */
export function openTelemetryTracing(options: TracingOptions = {}): Instrument {
  const tracer = options.tracerProvider ? options.tracerProvider.getTracer(TRACER_NAME) : trace.getTracer(TRACER_NAME);
  return Object.freeze({
    serving: (call: ServedCall) => serverSpan(tracer, call),
    calling: (call: SentCall) => clientSpan(tracer, call),
  });
}

function serverSpan(tracer: Tracer, call: ServedCall): CallWatch {
  const remote = call.annotations === undefined ? undefined : decodeTraceContext(call.annotations.get(TRACE_ANNOTATION));
  let parent: Context = ROOT_CONTEXT;
  let links: Link[] | undefined;
  if (remote !== undefined) {
    if (call.oneway) links = [{ context: remote }];
    else parent = trace.setSpanContext(ROOT_CONTEXT, remote);
  }
  const attributes = rpcAttributes(call.objectId, call.method, call.oneway);
  const span = tracer.startSpan(`${call.objectId}/${call.method}`, { kind: SpanKind.SERVER, attributes, links }, parent);
  const active = trace.setSpan(parent, span);
  return {
    run: (body) => context.with(active, body),
    succeeded: () => span.end(),
    failed: (error) => endFailed(span, error, call.method !== UNKNOWN_NAME),
  };
}

function clientSpan(tracer: Tracer, call: SentCall): CallWatch {
  const attributes = rpcAttributes(call.objectId, call.method, call.oneway);
  const { uri } = call;
  if (uri.sockname !== undefined) attributes["network.transport"] = "unix";
  else {
    if (uri.host !== undefined) attributes["server.address"] = uri.host;
    if (uri.port !== undefined) attributes["server.port"] = uri.port;
  }
  const span = tracer.startSpan(`${call.objectId}/${call.method}`, { kind: SpanKind.CLIENT, attributes }, context.active());
  const traceContext = encodeTraceContext(span.spanContext());
  return {
    annotations: traceContext === undefined ? undefined : new Map([[TRACE_ANNOTATION, traceContext]]),
    succeeded: () => span.end(),
    failed: (error) => endFailed(span, error, true),
  };
}

function rpcAttributes(objectId: string, method: string, oneway: boolean): Attributes {
  const attributes: Attributes = { "rpc.system": "pyro", "rpc.service": objectId, "rpc.method": method };
  if (oneway) attributes["pyro.oneway"] = true;
  return attributes;
}

/** Ends a failed call's span. A refusal of an unknown member is not recorded as an exception: its message holds what the client sent. */
function endFailed(span: Span, error: unknown, recordException: boolean): void {
  const type = pythonNameOf(error);
  span.setAttribute("error.type", type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
  if (recordException && error instanceof Error) span.recordException(error);
  span.end();
}
