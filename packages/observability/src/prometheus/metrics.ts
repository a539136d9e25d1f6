/**
 * `PrometheusMetrics`: one prom-client registry with pyrots' metrics, and the instrument that
 * fills the daemon ones (`daemon-metrics.ts`). The name server and the gateway add their own
 * metrics to the same object, so one process serves one registry. Only this subpath loads
 * prom-client: `prometheusMetrics()` from the package's main entry imports it on demand.
 *
 * Every metric keeps at most `maxSeries` label sets (see `series.ts`); the overflow is counted in
 * `pyrots_metrics_series_overflow_total{metric}`.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { CallWatch, Instrument, InstrumentedDaemon, ServedCall } from "@pyrots/core";
import { DaemonMetrics } from "./daemon-metrics.js";
import { SeriesLimit } from "./series.js";

/** Options of {@link PrometheusMetrics}. */
export interface PrometheusOptions {
  /** The registry to fill (default: a new one); one `PrometheusMetrics` per registry. */
  registry?: Registry;
  /** Most label sets each metric keeps (default 500); further ones are counted under `<other>`. */
  maxSeries?: number;
  /** Latency histogram buckets in seconds (default {@link DEFAULT_BUCKETS}). */
  buckets?: readonly number[];
  /** Also collect prom-client's Node.js process metrics: CPU, memory, event loop lag, handles (default false). */
  processMetrics?: boolean;
}

/** Latency buckets, in seconds: 0.5 ms to 30 s. */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);

/** The metric counting observations folded into `<other>`. */
export const OVERFLOW_METRIC = "pyrots_metrics_series_overflow_total";

/** Label values by label name. */
export type Labels<L extends string> = Readonly<Record<L, string>>;

/** Reports values at scrape time: calls `record` once per label set (values of one label set add up across readers). */
export type Reader<L extends string> = (record: (labels: Labels<L>, value: number) => void) => void;

/**
 * Pyro metrics in a prom-client registry. As an instrument (`Daemon.create({ instruments: [metrics] })`)
 * it counts the daemon's calls, errors and latency, and reads its connections, remote iterators,
 * calls in flight and traffic at each scrape.
 */
export class PrometheusMetrics implements Instrument {
  /** The registry; scrape it with `registry.metrics()` or serve it with `serveMetrics`. */
  readonly registry: Registry;
  /** Most label sets each metric keeps. */
  readonly maxSeries: number;
  /** Latency histogram buckets in seconds. */
  readonly buckets: readonly number[];
  private readonly overflow: Counter<"metric">;
  private readonly readers = new Map<string, Set<Reader<string>>>();
  private readonly daemon: DaemonMetrics;

  constructor(options: PrometheusOptions = {}) {
    this.registry = options.registry ?? new Registry();
    if (this.registry.getSingleMetric(OVERFLOW_METRIC) !== undefined) {
      throw new Error("this registry already has pyrots metrics: share its PrometheusMetrics among the process's daemons, name server and gateway");
    }
    const maxSeries = options.maxSeries ?? 500;
    if (!Number.isInteger(maxSeries) || maxSeries < 1) throw new RangeError(`maxSeries must be a whole number of at least 1, got ${maxSeries}`);
    this.maxSeries = maxSeries;
    this.buckets = Object.freeze([...(options.buckets ?? DEFAULT_BUCKETS)]);
    this.overflow = this.counter(OVERFLOW_METRIC, "Observations counted under <other> because their metric reached its label set limit", ["metric"]);
    this.daemon = new DaemonMetrics(this);
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** The `Content-Type` of {@link metrics}' text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition of every metric, as a scrape gets it. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  serving(call: ServedCall): CallWatch {
    return this.daemon.serving(call);
  }

  daemonStarted(daemon: InstrumentedDaemon): void {
    this.daemon.add(daemon);
  }

  daemonStopped(daemon: InstrumentedDaemon): void {
    this.daemon.remove(daemon);
  }

  /** A new counter in the registry. */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /**
   * A counter whose values `collect` sets at each scrape (the counter is reset first): for counts
   * kept elsewhere, see `accumulated.ts`.
   */
  collectedCounter<L extends string>(name: string, help: string, labelNames: readonly L[], collect: (counter: Counter<L>) => void): Counter<L> {
    return new Counter({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect(this: Counter<L>) {
        this.reset();
        collect(this);
      },
    });
  }

  /** A new gauge without labels in the registry, set by its owner. */
  gauge(name: string, help: string): Gauge {
    return new Gauge({ name, help, registers: [this.registry] });
  }

  /** A new latency histogram (seconds, {@link buckets}) in the registry. */
  histogram<L extends string>(name: string, help: string, labelNames: readonly L[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets: [...this.buckets], registers: [this.registry] });
  }

  /** A bound on the label sets of the metric `name` (see `series.ts`). */
  limit<L extends string>(name: string, labelNames: readonly L[]): SeriesLimit<L> {
    return new SeriesLimit(name, labelNames, this.maxSeries, (metric) => this.overflow.inc({ metric }));
  }

  /**
   * Adds a reader to the gauge `name` (made at the first reader): its value is what the readers
   * report at scrape time. Returns a function that removes the reader.
   */
  readGauge<L extends string>(name: string, help: string, labelNames: readonly L[], reader: Reader<L>): () => void {
    return this.addReader("gauge", name, help, labelNames, reader);
  }

  /** {@link readGauge} for a counter: the readers report totals that only grow. */
  readCounter<L extends string>(name: string, help: string, labelNames: readonly L[], reader: Reader<L>): () => void {
    return this.addReader("counter", name, help, labelNames, reader);
  }

  private addReader<L extends string>(kind: "gauge" | "counter", name: string, help: string, labelNames: readonly L[], reader: Reader<L>): () => void {
    let readers = this.readers.get(name);
    if (readers === undefined) {
      const all = (readers = new Set());
      this.readers.set(name, all);
      const limit = this.limit(name, labelNames);
      const collect = function (this: Gauge<L> | Counter<L>): void {
        this.reset();
        for (const read of all) {
          try {
            read((labels, value) => this.inc(limit.admit(labels), value));
          } catch {
            // a reader that fails reports nothing this time; the scrape still answers
          }
        }
      };
      if (kind === "gauge") new Gauge({ name, help, labelNames, collect, registers: [this.registry] });
      else new Counter({ name, help, labelNames, collect, registers: [this.registry] });
    }
    const set = readers;
    set.add(reader as Reader<string>);
    return () => set.delete(reader as Reader<string>);
  }
}
