/**
 * Call statistics per object, as this gateway saw them, for the console: calls per second, errors,
 * and p50/p99 latency over a sliding window, plus totals since the gateway started. Memory is
 * bounded: each object keeps its latest {@link SAMPLES} calls, and at most {@link MAX_OBJECTS}
 * objects are tracked (the one unused longest is forgotten first). `$meta` and `$ping` requests
 * are not calls of the object and are left out.
 */
import type { ObjectStats, StatsSnapshot } from "../../browser/protocol.js";
import type { CallEvent, CallObserver } from "./hooks.js";

export type { ObjectStats, StatsSnapshot };

/** Calls remembered per object. */
export const SAMPLES = 2048;
/** Objects tracked at most. */
export const MAX_OBJECTS = 1000;

/** A fixed-size ring of the latest calls of one object. */
class Ring {
  readonly times = new Float64Array(SAMPLES);
  readonly durations = new Float64Array(SAMPLES);
  readonly failed = new Uint8Array(SAMPLES);
  count = 0;
  next = 0;
  totalCalls = 0;
  totalErrors = 0;
  first = 0;
  lastError: ObjectStats["lastError"] = null;

  add(at: number, durationMs: number, ok: boolean): void {
    if (this.totalCalls === 0) this.first = at;
    this.times[this.next] = at;
    this.durations[this.next] = durationMs;
    this.failed[this.next] = ok ? 0 : 1;
    this.next = (this.next + 1) % SAMPLES;
    if (this.count < SAMPLES) this.count++;
    this.totalCalls++;
    if (!ok) this.totalErrors++;
  }
}

/** Collects {@link CallEvent}s into per-object figures. */
export class CallStats implements CallObserver {
  private readonly objects = new Map<string, Ring>();

  /** @param windowSeconds how far back the windowed figures reach. */
  constructor(
    readonly windowSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  callFinished(event: CallEvent): void {
    if (event.kind === "meta" || event.kind === "ping") return;
    let ring = this.objects.get(event.name);
    if (ring) {
      // Most recently used last, so that the first one is the one to forget.
      this.objects.delete(event.name);
    } else {
      ring = new Ring();
      if (this.objects.size >= MAX_OBJECTS) this.objects.delete(this.objects.keys().next().value!);
    }
    this.objects.set(event.name, ring);
    const at = this.now();
    ring.add(at, event.durationMs, event.ok);
    if (!event.ok) ring.lastError = { kind: event.error ?? "error", method: event.method, at };
  }

  /** The figures now, objects sorted by name. */
  snapshot(): StatsSnapshot {
    const at = this.now();
    const since = at - this.windowSeconds * 1000;
    const objects: ObjectStats[] = [];
    for (const [name, ring] of this.objects) objects.push(figures(name, ring, since, at, this.windowSeconds));
    objects.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { window: this.windowSeconds, at, objects };
  }
}

function figures(name: string, ring: Ring, since: number, at: number, windowSeconds: number): ObjectStats {
  const durations: number[] = [];
  let errors = 0;
  for (let i = 0; i < ring.count; i++) {
    if (ring.times[i]! < since) continue;
    durations.push(ring.durations[i]!);
    errors += ring.failed[i]!;
  }
  durations.sort((a, b) => a - b);
  const span = Math.max(Math.min(windowSeconds, (at - ring.first) / 1000), 1);
  return {
    name,
    callsPerSecond: round(durations.length / span),
    calls: durations.length,
    errors,
    p50: percentile(durations, 0.5),
    p99: percentile(durations, 0.99),
    totalCalls: ring.totalCalls,
    totalErrors: ring.totalErrors,
    lastError: ring.lastError,
  };
}

/** The nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
