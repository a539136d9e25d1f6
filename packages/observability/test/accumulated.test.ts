import { expect } from "chai";
import fc from "fast-check";
import { Histogram, Registry } from "prom-client";
import { AccumulatedHistogram, DEFAULT_BUCKETS } from "@pyrots/observability/prometheus";

describe("AccumulatedHistogram", () => {
  it("reports exactly what prom-client's own Histogram reports for the same observations", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(fc.constantFrom("a", "b", 'c"\\\n'), fc.oneof(fc.constantFrom(...DEFAULT_BUCKETS, 0, 100), fc.double({ min: 0, max: 60, noNaN: true }))),
          { maxLength: 50 },
        ),
        async (observations) => {
          const ours = new Registry();
          const theirs = new Registry();
          const options = { name: "latency_seconds", help: "Latency", labelNames: ["method"] as const };
          const accumulated = new AccumulatedHistogram({ ...options, buckets: DEFAULT_BUCKETS, registry: ours });
          const reference = new Histogram({ ...options, labelNames: ["method"], buckets: [...DEFAULT_BUCKETS], registers: [theirs] });
          const series = new Map<string, ReturnType<typeof accumulated.add>>();
          for (const [method, value] of observations) {
            if (!series.has(method)) series.set(method, accumulated.add({ method }));
            series.get(method)!.observe(value);
            reference.observe({ method }, value);
          }
          expect(await ours.metrics()).to.equal(await theirs.metrics());
        },
      ),
      { numRuns: 200 },
    );
  });

  it("starts again from zero when its registry is reset", async () => {
    const registry = new Registry();
    const histogram = new AccumulatedHistogram({ name: "h", help: "h", labelNames: ["m"], buckets: [1], registry });
    histogram.add({ m: "x" }).observe(0.5);
    registry.resetMetrics();
    expect(await registry.metrics()).to.include('h_count{m="x"} 0');
  });
});
