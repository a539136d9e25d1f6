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
import type { Counter } from "prom-client";
import { type CallWatch, type DaemonActivity, type InstrumentedDaemon, type ServedCall, pythonNameOf } from "@pyrots/core/internal";
import { AccumulatedHistogram, type HistogramSeries } from "./accumulated.js";
import type { PrometheusMetrics } from "./metrics.js";
import { OTHER, type SeriesLimit } from "./series.js";

type CallLabel = "object" | "method";
type ErrorLabel = CallLabel | "type";

/** The counts of one exception type in one object × method. */
interface ErrorCounts {
  readonly labels: Readonly<Record<ErrorLabel, string>>;
  total: number;
  oneway: number;
}

/** Everything counted for one object × method. */
class CallSeries {
  ok = 0;
  failed = 0;
  /** By exception type; bounded by the errors' series limit. */
  readonly errors = new Map<string, ErrorCounts>();

  constructor(
    readonly labels: Readonly<Record<CallLabel, string>>,
    readonly latency: HistogramSeries,
  ) {}
}

/** Counts the calls of every daemon a {@link PrometheusMetrics} is given to. */
export class DaemonMetrics {
  private readonly duration: AccumulatedHistogram<CallLabel>;
  private readonly callSeries: SeriesLimit<CallLabel>;
  private readonly errorSeries: SeriesLimit<ErrorLabel>;
  /** Series by object id, then method: only admitted ones, so the maps stay bounded. */
  private readonly byObject = new Map<string, Map<string, CallSeries>>();
  /** The series everything past the limit is counted in. */
  private other: CallSeries | undefined;
  private readonly all: CallSeries[] = [];
  private readonly daemons = new Set<InstrumentedDaemon>();
  /** Traffic of daemons that have stopped, so the byte counters never go back. */
  private retiredReceived = 0;
  private retiredSent = 0;

  constructor(private readonly metrics: PrometheusMetrics) {
    const registry = metrics.registry;
    const collectCalls = (counter: Counter<CallLabel | "outcome">) => {
      for (const series of this.all) {
        if (series.ok > 0) counter.inc({ ...series.labels, outcome: "ok" }, series.ok);
        if (series.failed > 0) counter.inc({ ...series.labels, outcome: "error" }, series.failed);
      }
    };
    const collectErrors = (counter: Counter<ErrorLabel>, oneway: boolean) => {
      for (const series of this.all) {
        for (const errors of series.errors.values()) {
          const value = oneway ? errors.oneway : errors.total;
          if (value > 0) counter.inc(errors.labels, value);
        }
      }
    };
    metrics.collectedCounter(
      "pyrots_daemon_calls_total",
      "Calls served, by object, method and outcome (ok, error)",
      ["object", "method", "outcome"],
      collectCalls,
    );
    metrics.collectedCounter("pyrots_daemon_call_errors_total", "Calls that failed, by object, method and exception type", ["object", "method", "type"], (c) =>
      collectErrors(c, false),
    );
    metrics.collectedCounter(
      "pyrots_daemon_oneway_errors_total",
      "Oneway calls that failed (their callers never hear of it)",
      ["object", "method", "type"],
      (c) => collectErrors(c, true),
    );
    this.duration = new AccumulatedHistogram({
      name: "pyrots_daemon_call_duration_seconds",
      help: "Time from a request to its answer (oneway calls: to their end)",
      labelNames: ["object", "method"],
      buckets: metrics.buckets,
      registry,
    });
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
      succeeded: () => {
        const series = this.seriesOf(call.objectId, call.method);
        series.ok++;
        series.latency.observe((performance.now() - started) / 1000);
      },
      failed: (error) => {
        const series = this.seriesOf(call.objectId, call.method);
        series.failed++;
        series.latency.observe((performance.now() - started) / 1000);
        const errors = this.errorsOf(series, pythonNameOf(error));
        errors.total++;
        if (call.oneway) errors.oneway++;
      },
    };
  }

  /** The series of `objectId` × `method`, made (if the limit allows) at its first call. */
  private seriesOf(objectId: string, method: string): CallSeries {
    const known = this.byObject.get(objectId)?.get(method);
    if (known !== undefined) return known;
    const labels = this.callSeries.admit({ object: objectId, method });
    if (labels.object === OTHER && labels.method === OTHER) return (this.other ??= this.newSeries(labels));
    const series = this.newSeries(labels);
    let methods = this.byObject.get(objectId);
    if (methods === undefined) this.byObject.set(objectId, (methods = new Map()));
    methods.set(method, series);
    return series;
  }

  private newSeries(labels: Readonly<Record<CallLabel, string>>): CallSeries {
    const series = new CallSeries(labels, this.duration.add(labels));
    this.all.push(series);
    return series;
  }

  private errorsOf(series: CallSeries, type: string): ErrorCounts {
    const known = series.errors.get(type);
    if (known !== undefined) return known;
    const labels = this.errorSeries.admit({ ...series.labels, type });
    const key = labels.type === OTHER ? OTHER : type;
    let errors = series.errors.get(key);
    if (errors === undefined) series.errors.set(key, (errors = { labels, total: 0, oneway: 0 }));
    return errors;
  }

  private total(value: (activity: DaemonActivity) => number): number {
    let sum = 0;
    for (const daemon of this.daemons) sum += value(daemon.stats);
    return sum;
  }
}
