/**
 * W3C trace context (https://www.w3.org/TR/trace-context/) in a Pyro annotation, pyrots' own
 * `TRCE`: ASCII text, the `traceparent` value, then, when there is one, a newline and the
 * `tracestate` value:
 *
 * ```
 * 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\ncongo=t61rcWkgMzE
 * ```
 *
 * Python Pyro4 and Pyro5 keep annotations they do not know in the call context and otherwise
 * ignore them, so a traced pyrots proxy calls Python daemons unchanged.
 *
 * What a peer sends is checked before anything is made of it: at most {@link MAX_TRACE_BYTES}
 * bytes, printable ASCII, a `traceparent` of the exact W3C form with non-zero ids and a known
 * version, a `tracestate` of at most 512 characters (else dropped). Anything else is no trace
 * context at all: the call is served, as a new trace.
 */
import { type SpanContext, TraceFlags, createTraceState, isSpanContextValid } from "@opentelemetry/api";

/** The annotation id. */
export const TRACE_ANNOTATION = "TRCE";

/** Largest `TRCE` annotation read; longer ones are ignored. */
export const MAX_TRACE_BYTES = 1024;

/** Longest `tracestate` kept (the W3C limit); a longer one is dropped, the `traceparent` still used. */
export const MAX_TRACESTATE_LENGTH = 512;

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE_ID = "0".repeat(32);
const ZERO_SPAN_ID = "0".repeat(16);

/** The `TRCE` annotation for `spanContext`; undefined when it is not a valid context to pass on. */
export function encodeTraceContext(spanContext: SpanContext): Uint8Array | undefined {
  if (!isSpanContextValid(spanContext)) return undefined;
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, "0");
  let text = `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
  const state = spanContext.traceState?.serialize();
  if (state !== undefined && state !== "" && state.length <= MAX_TRACESTATE_LENGTH) text += `\n${state}`;
  return Buffer.from(text, "latin1");
}

/** The remote span context a `TRCE` annotation holds; undefined for none or an invalid one. */
export function decodeTraceContext(annotation: Uint8Array | undefined): SpanContext | undefined {
  if (annotation === undefined || annotation.byteLength === 0 || annotation.byteLength > MAX_TRACE_BYTES) return undefined;
  for (const byte of annotation) if ((byte < 0x20 && byte !== 0x0a && byte !== 0x09) || byte > 0x7e) return undefined;
  const text = Buffer.from(annotation.buffer, annotation.byteOffset, annotation.byteLength).toString("latin1");
  const newline = text.indexOf("\n");
  return newline < 0 ? parseTraceContext(text, undefined) : parseTraceContext(text.slice(0, newline), text.slice(newline + 1));
}

/**
 * The remote span context of a `traceparent` and an optional `tracestate` (HTTP headers, or the
 * parts of an annotation); undefined when the `traceparent` is not valid W3C trace context.
 */
export function parseTraceContext(traceparent: string, tracestate: string | undefined): SpanContext | undefined {
  if (traceparent.length < 55 || traceparent.length > MAX_TRACE_BYTES) return undefined;
  const match = TRACEPARENT.exec(traceparent);
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  // Version 00 has exactly these four fields; later versions may add more after a dash; ff is invalid.
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE_ID || spanId === ZERO_SPAN_ID) return undefined;
  const context: SpanContext = {
    traceId,
    spanId,
    traceFlags: parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  if (tracestate === undefined || tracestate === "" || tracestate.length > MAX_TRACESTATE_LENGTH || /[^\x20-\x7e\t]/.test(tracestate)) return context;
  return { ...context, traceState: createTraceState(tracestate) };
}
