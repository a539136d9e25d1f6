/**
 * `@pyrots/observability/prometheus`: the Prometheus side, which loads prom-client. Import it
 * directly, or get a `PrometheusMetrics` from `prometheusMetrics()` in the main entry.
 */
export { PrometheusMetrics, DEFAULT_BUCKETS, OVERFLOW_METRIC, type PrometheusOptions, type Labels, type Reader } from "./metrics.js";
export { SeriesLimit, OTHER, type OverflowCounter } from "./series.js";
export { DaemonMetrics } from "./daemon-metrics.js";
export { AccumulatedHistogram, HistogramSeries } from "./accumulated.js";
export type { Counter, Gauge, Histogram, Registry } from "prom-client";
