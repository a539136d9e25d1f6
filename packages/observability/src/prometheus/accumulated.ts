/**
 * Counts kept in plain fields on the hot path and handed to prom-client only when scraped. A call
 * then costs two map lookups and a few additions: prom-client's own `inc` and `observe` build a
 * label key string and check the labels on every call, which costs more than a whole call of a
 * pipelined daemon.
 *
 * {@link AccumulatedHistogram} is a prom-client `Histogram` whose values come from
 * {@link HistogramSeries} objects its owner updates; it reports them in the shape prom-client's own
 * histograms report theirs (and is tested through real scrapes).
 */
import { Histogram, type Registry } from "prom-client";

/** The observations of one label set of an {@link AccumulatedHistogram}. */
export class HistogramSeries {
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Records one observation. */
  observe(value: number): void {
    const bounds = this.bounds;
    let slot = 0;
    while (slot < bounds.length && value > bounds[slot]!) slot++;
    this.counts[slot]!++;
    this.sum += value;
    this.count++;
  }
}

interface Sample {
  value: number;
  labels: Record<string, string | number>;
  metricName: string;
}

/** A histogram whose series are {@link HistogramSeries} kept by its owner. */
export class AccumulatedHistogram<L extends string> extends Histogram<L> {
  private readonly series = new Set<HistogramSeries>();
  private readonly bounds: readonly number[];
  private readonly metricName: string;
  private readonly helpText: string;

  constructor(options: { name: string; help: string; labelNames: readonly L[]; buckets: readonly number[]; registry: Registry }) {
    super({ name: options.name, help: options.help, labelNames: options.labelNames, buckets: [...options.buckets], registers: [options.registry] });
    this.bounds = [...options.buckets].sort((a, b) => a - b);
    this.metricName = options.name;
    this.helpText = options.help;
  }

  /** A new series for `labels`, reported from now on. */
  add(labels: Readonly<Record<L, string>>): HistogramSeries {
    const series = new HistogramSeries(labels, this.bounds);
    this.series.add(series);
    return series;
  }

  override async get() {
    return this.report();
  }

  /** What prom-client's registry reads when it writes the text format. */
  async getForPromString() {
    return this.report();
  }

  override reset(): void {
    super.reset();
    // prom-client's constructor resets before this class's fields exist.
    if ((this.series as Set<HistogramSeries> | undefined) === undefined) return;
    for (const series of this.series) {
      series.counts.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }

  private report() {
    const bucketName = `${this.metricName}_bucket`;
    const values: Sample[] = [];
    for (const series of this.series) {
      let cumulative = 0;
      this.bounds.forEach((bound, slot) => {
        cumulative += series.counts[slot]!;
        values.push({ value: cumulative, labels: { le: bound, ...series.labels }, metricName: bucketName });
      });
      values.push({ value: series.count, labels: { le: "+Inf", ...series.labels }, metricName: bucketName });
      values.push({ value: series.sum, labels: { ...series.labels }, metricName: `${this.metricName}_sum` });
      values.push({ value: series.count, labels: { ...series.labels }, metricName: `${this.metricName}_count` });
    }
    // The shape prom-client's histograms report (see its `MetricObjectWithValues`).
    return { name: this.metricName, help: this.helpText, type: "histogram", values, aggregator: "sum" } as unknown as Awaited<ReturnType<Histogram<L>["get"]>>;
  }
}
