/**
 * The client-side measuring loop shared by the Node clients: `workers` loops each repeat a step
 * (which checks its own results) until told to stop; a sampler counts completed operations at the
 * edges of fixed windows after a warm-up.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { type ClientResult, MEASURED_PREFIX, MEASURING_PREFIX, type Timing } from "./contract.js";

/** One workload as the driver runs it. */
export interface Job {
  /** Concurrent loops. */
  workers: number;
  /** Runs one step of loop `worker`; resolves with the operations it completed (all checked). */
  step(worker: number, iteration: number): Promise<number>;
  /** Record each step's duration (meaningful when a step is one call on one loop). */
  latency?: boolean;
}

const MAX_SAMPLES = 4_000_000;

/** Runs `job` for the warm-up and the windows; rejects as soon as any step fails its check. */
export async function measure(job: Job, timing: Timing): Promise<ClientResult> {
  let done = 0;
  let stop = false;
  let recording = false;
  let failure: { error: unknown } | undefined;
  const samples = job.latency ? new Float64Array(MAX_SAMPLES) : undefined;
  let sampleCount = 0;

  const loop = async (worker: number) => {
    for (let iteration = 0; !stop; iteration++) {
      const started = samples ? performance.now() : 0;
      // Not `done += await ...`: that would read `done` before the await and lose other loops' counts.
      const completed = await job.step(worker, iteration);
      done += completed;
      if (samples && recording && sampleCount < MAX_SAMPLES) samples[sampleCount++] = performance.now() - started;
    }
  };
  const loops = Array.from({ length: job.workers }, (_, w) =>
    loop(w).catch((error: unknown) => {
      failure ??= { error };
      stop = true;
    }),
  );

  const rates: number[] = [];
  await sleep(timing.warmupMs);
  recording = true;
  // The orchestrator samples the server's CPU time between these two lines (see cell.ts).
  console.log(`${MEASURING_PREFIX}${cpuSeconds()}`);
  let windowStart = performance.now();
  let doneAtStart = done;
  for (let i = 0; i < timing.windows && failure === undefined; i++) {
    await sleep(timing.windowMs);
    const now = performance.now();
    rates.push(((done - doneAtStart) * 1000) / (now - windowStart));
    windowStart = now;
    doneAtStart = done;
  }
  console.log(`${MEASURED_PREFIX}${cpuSeconds()}`);
  stop = true;
  await Promise.all(loops);
  if (failure !== undefined) throw failure.error;

  const result: ClientResult = { rates, checked: done };
  if (samples && sampleCount > 0) {
    const sorted = samples.subarray(0, sampleCount).sort();
    result.p50Us = percentile(sorted, 0.5) * 1000;
    result.p99Us = percentile(sorted, 0.99) * 1000;
  }
  return result;
}

/** User + system CPU seconds of this process so far. */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** The median of `values` (which it sorts). */
export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
