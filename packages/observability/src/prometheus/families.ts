/**
 * What a group of metrics (the daemon's, in `daemon-metrics.ts`) needs from the registry that owns
 * it. `PrometheusMetrics` implements it; the group depends on this interface rather than on that
 * class, which in turn creates the group.
 */
import type { Counter, Registry } from "prom-client";
import type { SeriesLimit } from "./series.js";

/** Label values by label name. */
export type Labels<L extends string> = Readonly<Record<L, string>>;

/** Reports values at scrape time: calls `record` once per label set (values of one label set add up across readers). */
export type Reader<L extends string> = (record: (labels: Labels<L>, value: number) => void) => void;

/** The registry and the metric makers a group of metrics uses. */
export interface MetricFamilies {
  /** The prom-client registry the metrics live in. */
  readonly registry: Registry;
  /** Latency histogram buckets, in seconds. */
  readonly buckets: readonly number[];
  /** A counter whose values `collect` sets at each scrape. */
  collectedCounter<L extends string>(name: string, help: string, labelNames: readonly L[], collect: (counter: Counter<L>) => void): Counter<L>;
  /** A bound on the label sets of the metric `name`. */
  limit<L extends string>(name: string, labelNames: readonly L[]): SeriesLimit<L>;
  /** Adds a reader to the gauge `name`; returns a function that removes it. */
  readGauge<L extends string>(name: string, help: string, labelNames: readonly L[], reader: Reader<L>): () => void;
  /** Adds a reader to the counter `name`; returns a function that removes it. */
  readCounter<L extends string>(name: string, help: string, labelNames: readonly L[], reader: Reader<L>): () => void;
}
