/**
 * The console's call statistics: the sliding window, nearest-rank percentiles, the bounded ring of
 * calls per object and the bounded number of objects, with a fake clock.
 */
import { expect } from "chai";
import { type CallEvent, CallStats, MAX_OBJECTS, SAMPLES, percentile } from "@pyrots/web/internal";

function event(name: string, durationMs: number, ok = true, kind: CallEvent["kind"] = "call"): CallEvent {
  return { name, method: "m", kind, status: ok ? 200 : 500, ok, error: ok ? undefined : "remote-exception", durationMs, correlationId: "c" };
}

describe("CallStats", () => {
  it("computes nearest-rank percentiles", () => {
    expect(percentile([], 0.5)).to.equal(null);
    expect(percentile([7], 0.99)).to.equal(7);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 0.5)).to.equal(50);
    expect(percentile(hundred, 0.99)).to.equal(99);
    expect(percentile([1, 2, 3, 1000], 0.99)).to.equal(1000);
  });

  it("counts calls, errors and latencies in the window, and totals since the start", () => {
    let now = 1_000_000;
    const stats = new CallStats(60, () => now);
    for (let i = 1; i <= 10; i++) stats.callFinished(event("a", i, i !== 10));
    now += 10_000;
    const first = stats.snapshot().objects[0]!;
    expect(first).to.include({ name: "a", calls: 10, errors: 1, p50: 5, p99: 10, totalCalls: 10, totalErrors: 1 });
    expect(first.callsPerSecond).to.equal(1);
    expect(first.lastError).to.deep.equal({ kind: "remote-exception", method: "m", at: 1_000_000 });
    now += 60_000;
    stats.callFinished(event("a", 100));
    const later = stats.snapshot().objects[0]!;
    expect(later).to.include({ calls: 1, errors: 0, p50: 100, totalCalls: 11, totalErrors: 1 });
  });

  it("leaves $meta and $ping out", () => {
    const stats = new CallStats(60);
    stats.callFinished(event("a", 1, true, "ping"));
    stats.callFinished(event("a", 1, true, "meta"));
    expect(stats.snapshot().objects).to.deep.equal([]);
  });

  it("keeps the latest calls of an object and forgets the object unused longest", () => {
    const stats = new CallStats(3600);
    for (let i = 0; i < SAMPLES + 10; i++) stats.callFinished(event("ring", i < 10 ? 1_000_000 : 1));
    const ring = stats.snapshot().objects[0]!;
    expect(ring.calls).to.equal(SAMPLES);
    expect(ring.p99, "the 10 slow calls were overwritten").to.equal(1);
    expect(ring.totalCalls).to.equal(SAMPLES + 10);
    for (let i = 0; i < MAX_OBJECTS; i++) stats.callFinished(event(`o${i}`, 1));
    const names = stats.snapshot().objects.map((o) => o.name);
    expect(names).to.have.length(MAX_OBJECTS);
    expect(names).not.to.include("ring");
  });
});
