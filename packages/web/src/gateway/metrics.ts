/**
 * The gateway's Prometheus metrics, added to a `PrometheusMetrics` (from `@pyrots/observability`)
 * given as the `metrics` option, and served at `<prefix>/metrics`:
 *
 * | metric                                        | type      | labels                     | meaning                                           |
 * | --------------------------------------------- | --------- | -------------------------- | ------------------------------------------------- |
 * | `pyrots_gateway_http_responses_total`         | counter   | code                       | every HTTP answer, by status code                 |
 * | `pyrots_gateway_http_requests_in_flight`      | gauge     |                            | HTTP requests being answered                      |
 * | `pyrots_gateway_calls_total`                  | counter   | name, method, kind, status | calls of objects (see the console's statistics)   |
 * | `pyrots_gateway_call_errors_total`            | counter   | name, method, error        | failed calls, by error kind (`timeout`, ...)      |
 * | `pyrots_gateway_call_duration_seconds`        | histogram | name, method               | time from the request to the answer's end         |
 * | `pyrots_gateway_stream_items_total`           | counter   | name, method               | remote iterator items streamed                    |
 *
 * Only names the name server has and the expose pattern allows are reported (see `calls.ts`); a
 * member the object lacks counts as `<unknown>`, so label sets do not grow with what HTTP clients
 * ask for, and each metric keeps at most `maxSeries` of them.
 */
import type { ServerResponse } from "node:http";
import { UNKNOWN_NAME } from "@pyrots/core";
import type { Counter, Gauge, Histogram, PrometheusMetrics, SeriesLimit } from "@pyrots/observability/prometheus";
import type { CallEvent, CallObserver } from "./hooks.js";

type CallLabel = "name" | "method" | "kind" | "status";
type ErrorLabel = "name" | "method" | "error";

/** Records the gateway's calls and HTTP answers into a {@link PrometheusMetrics}. */
export class GatewayMetrics implements CallObserver {
  private readonly responses: Counter<"code">;
  private readonly inFlight: Gauge;
  private readonly calls: Counter<CallLabel>;
  private readonly errors: Counter<ErrorLabel>;
  private readonly duration: Histogram<"name" | "method">;
  private readonly items: Counter<"name" | "method">;
  private readonly codeSeries: SeriesLimit<"code">;
  private readonly callSeries: SeriesLimit<CallLabel>;
  private readonly errorSeries: SeriesLimit<ErrorLabel>;

  constructor(readonly metrics: PrometheusMetrics) {
    this.responses = metrics.counter("pyrots_gateway_http_responses_total", "HTTP answers, by status code", ["code"]);
    this.inFlight = metrics.gauge("pyrots_gateway_http_requests_in_flight", "HTTP requests being answered");
    this.calls = metrics.counter("pyrots_gateway_calls_total", "Calls of objects through the gateway, by name, method, kind and HTTP status", [
      "name",
      "method",
      "kind",
      "status",
    ]);
    this.errors = metrics.counter("pyrots_gateway_call_errors_total", "Failed calls, by name, method and error kind", ["name", "method", "error"]);
    this.duration = metrics.histogram("pyrots_gateway_call_duration_seconds", "Time from a call's request to the end of its answer", ["name", "method"]);
    this.items = metrics.counter("pyrots_gateway_stream_items_total", "Remote iterator items streamed", ["name", "method"]);
    this.codeSeries = metrics.limit("pyrots_gateway_http_responses_total", ["code"]);
    this.callSeries = metrics.limit("pyrots_gateway_calls_total", ["name", "method", "kind", "status"]);
    this.errorSeries = metrics.limit("pyrots_gateway_call_errors_total", ["name", "method", "error"]);
  }

  /** Counts `response` once it is answered (or its connection is gone). */
  track(response: ServerResponse): void {
    this.inFlight.inc();
    response.once("close", () => {
      this.inFlight.dec();
      this.responses.inc(this.codeSeries.admit({ code: String(response.statusCode) }));
    });
  }

  callFinished(event: CallEvent): void {
    // A member the object lacks is a 404 `not-found`: its name is what the client made up.
    const method = event.error === "not-found" ? UNKNOWN_NAME : event.method;
    const labels = this.callSeries.admit({ name: event.name, method, kind: event.kind, status: String(event.status) });
    this.calls.inc(labels);
    const objectMethod = { name: labels.name, method: labels.method };
    this.duration.observe(objectMethod, event.durationMs / 1000);
    if (event.items !== undefined) this.items.inc(objectMethod, event.items);
    if (!event.ok) this.errors.inc(this.errorSeries.admit({ name: event.name, method, error: event.error ?? "unknown" }));
  }
}
