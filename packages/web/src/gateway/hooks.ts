/**
 * Where metrics and tracing plug into the gateway. The gateway reports every finished call to its
 * {@link CallObserver}s (its own statistics for the console are one of them; a Prometheus registry
 * can be another) and asks an optional {@link GatewayTracer} to open a span around each call,
 * which may add annotations (a trace context) to the Pyro call it makes.
 */
import type { IncomingHttpHeaders } from "node:http";

/** What kind of request a {@link CallEvent} reports. */
export type CallKind = "call" | "oneway" | "attribute" | "stream" | "meta" | "ping" | "batch-call";

/** One finished request for one object, as observers see it. */
export interface CallEvent {
  /** The registered name of the object. */
  readonly name: string;
  /** The method or attribute (`$meta`, `$ping` for those requests). */
  readonly method: string;
  readonly kind: CallKind;
  /** HTTP status the request got (200 for a stream that ended with an in-band error: see `ok`). */
  readonly status: number;
  /** True when the call succeeded (a stream: when it ended normally or the client left). */
  readonly ok: boolean;
  /** The error kind when it failed (`remote-exception`, `timeout`, `unreachable`, ...). */
  readonly error?: string;
  /** Milliseconds from the start of the call to its result (a stream: to its end). */
  readonly durationMs: number;
  /** The call's correlation id (a UUID). */
  readonly correlationId: string;
  /** Items sent, for streams. */
  readonly items?: number;
}

/** Receives every finished call; must not throw (errors are caught and ignored). */
export interface CallObserver {
  callFinished(event: CallEvent): void;
}

/** What a tracer learns about a call as it starts. */
export interface CallStart {
  readonly name: string;
  readonly method: string;
  readonly kind: CallKind;
  readonly correlationId: string;
  /** The HTTP request's headers (e.g. `traceparent`); hostile data, as every header. */
  readonly headers: IncomingHttpHeaders;
}

/** A span opened by a {@link GatewayTracer}. */
export interface TraceSpan {
  /** Annotations to send with the Pyro call (4-character ids), e.g. a trace context. */
  readonly annotations?: Record<string, Uint8Array | string>;
  /** Called once when the call has finished. */
  end(event: CallEvent): void;
}

/** Opens a span per call; returning undefined traces nothing for that call. */
export interface GatewayTracer {
  startCall(start: CallStart): TraceSpan | undefined;
}

/** Reports `event` to every observer and the span, never letting one's failure reach the request. */
export function reportCall(observers: readonly CallObserver[], span: TraceSpan | undefined, event: CallEvent): void {
  for (const observer of observers) {
    try {
      observer.callFinished(event);
    } catch {
      // An observer's failure must not fail the request it observes.
    }
  }
  try {
    span?.end(event);
  } catch {
    // Same for the tracer.
  }
}
