/**
 * The daemon metrics of a {@link PrometheusMetrics}:
 *
 * | metric                                   | type      | labels                   | meaning                                                   |
 * | ---------------------------------------- | --------- | ------------------------ | --------------------------------------------------------- |
 * | `pyrots_daemon_calls_total`              | counter   | object, method, outcome  | calls served; outcome `ok` or `error`                     |
 * | `pyrots_daemon_call_errors_total`        | counter   | object, method, type     | failed calls by exception class (`builtins.ValueError`)   |
 * | `pyrots_daemon_oneway_errors_total`      | counter   | object, method, type     | oneway calls that failed (no caller hears of these)       |
 * | `pyrots_daemon_call_duration_seconds`    | histogram | object, method           | time from the request to its answer (oneway: to the end)  |
 * | `pyrots_daemon_connections`              | gauge     |                          | client connections open                                   |
 * | `pyrots_daemon_remote_iterators`         | gauge     |                          | remote iterators open                                     |
 * | `pyrots_daemon_calls_in_flight`          | gauge     |                          | calls running                                             |
 * | `pyrots_daemon_sessions`                 | gauge     |                          | `session` instances alive                                 |
 * | `pyrots_daemon_received_bytes_total`     | counter   |                          | bytes received from clients                               |
 * | `pyrots_daemon_sent_bytes_total`         | counter   |                          | bytes sent to clients                                     |
 *
 * `object` and `method` are the daemon's own names (`<unknown>` for what it does not serve, see
 * `instruments.ts` in core); the gauges and byte counts add up every daemon using the metrics.
 */
import { performance } from "node:perf_hooks";
import type { Counter, Histogram } from "prom-client";
import { type CallWatch, type DaemonActivity, type InstrumentedDaemon, type ServedCall, pythonNameOf } from "@pyrots/core/internal";
import type { PrometheusMetrics } from "./metrics.js";
import type { SeriesLimit } from "./series.js";

type CallLabel = "object" | "method";
type ErrorLabel = CallLabel | "type";

/** Counts the calls of every daemon a {@link PrometheusMetrics} is given to. */
export class DaemonMetrics {
  private readonly calls: Counter<CallLabel | "outcome">;
  private readonly errors: Counter<ErrorLabel>;
  private readonly onewayErrors: Counter<ErrorLabel>;
  private readonly duration: Histogram<CallLabel>;
  private readonly callSeries: SeriesLimit<CallLabel>;
  private readonly errorSeries: SeriesLimit<ErrorLabel>;
  private readonly daemons = new Set<InstrumentedDaemon>();
  /** Traffic of daemons that have stopped, so the byte counters never go back. */
  private retiredReceived = 0;
  private retiredSent = 0;

  constructor(metrics: PrometheusMetrics) {
    this.calls = metrics.counter("pyrots_daemon_calls_total", "Calls served, by object, method and outcome (ok, error)", ["object", "method", "outcome"]);
    this.errors = metrics.counter("pyrots_daemon_call_errors_total", "Calls that failed, by object, method and exception type", ["object", "method", "type"]);
    this.onewayErrors = metrics.counter("pyrots_daemon_oneway_errors_total", "Oneway calls that failed (their callers never hear of it)", [
      "object",
      "method",
      "type",
    ]);
    this.duration = metrics.histogram("pyrots_daemon_call_duration_seconds", "Time from a request to its answer (oneway calls: to their end)", [
      "object",
      "method",
    ]);
    // The calls counter and the histogram share one bound on object × method.
    this.callSeries = metrics.limit("pyrots_daemon_calls_total", ["object", "method"]);
    this.errorSeries = metrics.limit("pyrots_daemon_call_errors_total", ["object", "method", "type"]);
    const gauge = (name: string, help: string, value: (activity: DaemonActivity) => number) =>
      metrics.readGauge(name, help, [], (record) => record({}, this.total(value)));
    gauge("pyrots_daemon_connections", "Client connections open", (activity) => activity.connections);
    gauge("pyrots_daemon_remote_iterators", "Remote iterators open", (activity) => activity.streams);
    gauge("pyrots_daemon_calls_in_flight", "Calls running", (activity) => activity.callsInFlight);
    gauge("pyrots_daemon_sessions", "Instances of session-mode objects alive", (activity) => activity.sessions);
    metrics.readCounter("pyrots_daemon_received_bytes_total", "Bytes received from clients", [], (record) =>
      record({}, this.retiredReceived + this.total((activity) => activity.bytesReceived)),
    );
    metrics.readCounter("pyrots_daemon_sent_bytes_total", "Bytes sent to clients", [], (record) =>
      record({}, this.retiredSent + this.total((activity) => activity.bytesSent)),
    );
  }

  /** A daemon started: its gauges count from now on. */
  add(daemon: InstrumentedDaemon): void {
    this.daemons.add(daemon);
  }

  /** A daemon stopped: its traffic stays in the byte counters. */
  remove(daemon: InstrumentedDaemon): void {
    if (!this.daemons.delete(daemon)) return;
    const { bytesReceived, bytesSent } = daemon.stats;
    this.retiredReceived += bytesReceived;
    this.retiredSent += bytesSent;
  }

  /** Times a call and counts it when it ends. */
  serving(call: ServedCall): CallWatch {
    const started = performance.now();
    return {
      succeeded: () => this.finished(call, started, false, undefined),
      failed: (error) => this.finished(call, started, true, error),
    };
  }

  private finished(call: ServedCall, started: number, failed: boolean, error: unknown): void {
    const labels = this.callSeries.admit({ object: call.objectId, method: call.method });
    this.calls.inc({ object: labels.object, method: labels.method, outcome: failed ? "error" : "ok" });
    this.duration.observe(labels, (performance.now() - started) / 1000);
    if (!failed) return;
    const errorLabels = this.errorSeries.admit({ object: call.objectId, method: call.method, type: pythonNameOf(error) });
    this.errors.inc(errorLabels);
    if (call.oneway) this.onewayErrors.inc(errorLabels);
  }

  private total(value: (activity: DaemonActivity) => number): number {
    let sum = 0;
    for (const daemon of this.daemons) sum += value(daemon.stats);
    return sum;
  }
}
