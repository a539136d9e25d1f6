/**
 * Section (w) of the bench: pool proxies (workers).
 *
 * - **Overhead**: one worker process, the same calls through a plain proxy and through a pool proxy
 *   over that one worker — sequential `add`, and `add` with 64 in flight — measured by one client
 *   in alternating windows (plain, pool, plain, ...), so that load from elsewhere falls on both
 *   alike; the ratio is the median of the pairs' ratios. Target: the pool keeps ≥ 0.95 of the
 *   plain proxy's rate (≤ 5% overhead). Client on CPU 1, worker on CPU 0 (as workloads a and c).
 * - **Throughput**: a CPU-bound task of 200 µs, 32 in flight, through a pool over 1, 2 and 4 worker
 *   processes, unpinned (the workers and the client share the machine's cores: on 2 cores, 2
 *   workers can double the rate of 1 only while the client leaves them a core's worth).
 */
import { fileURLToPath } from "node:url";
import type { Timing } from "../contract.js";
import { type Spawned, spawnProcess } from "@pyrots/test-support";

const WORKER = fileURLToPath(new URL("./worker.js", import.meta.url));
const CLIENT = fileURLToPath(new URL("./client.js", import.meta.url));

/** The pool's rate must reach this share of the plain proxy's. */
export const POOL_OVERHEAD_TARGET = 0.95;

/** One measured cell: calls/s (median window), or why it failed. */
export type PoolCell = { rate: number; runs?: number[] } | { error: string };

/**
 * An overhead cell: both rates, the median ratio of the alternating windows (pool / plain), and
 * the client's CPU time per call with each (µs, medians): the pool's cost is the client's, and CPU
 * time per call moves far less than rates when other work loads the machine.
 */
export interface OverheadCell {
  plain: PoolCell;
  pool: PoolCell;
  ratio?: number;
  plainCpuUs?: number;
  poolCpuUs?: number;
}

/** The section's figures. */
export interface PoolSection {
  readonly sequential: OverheadCell;
  readonly inflight64: OverheadCell;
  readonly scaling: { workers: number; cell: PoolCell }[];
}

/** Options of {@link runPoolSection}. */
export interface PoolSectionOptions {
  readonly timing: Timing;
  readonly repeat: number;
  /** CPUs to pin the overhead cells to (worker, client); none: unpinned. */
  readonly cpus?: { server: string; client: string };
}

/** Runs section (w); `report` hears of each cell. */
export async function runPoolSection(options: PoolSectionOptions, report: (line: string) => void): Promise<PoolSection> {
  const rate = (values: number[]): PoolCell => ({ rate: median(values), runs: values });
  const overhead = async (inflight: number, label: string): Promise<OverheadCell> => {
    const plain: number[] = [];
    const pool: number[] = [];
    const ratios: number[] = [];
    const plainCpu: number[] = [];
    const poolCpu: number[] = [];
    for (let round = 0; round < options.repeat; round++) {
      const result = await runClient({ uris: pinned.uris, mode: "ab", method: "add", inflight }, options.timing, options.cpus?.client);
      if ("error" in result) {
        report(`  (w) ${label}: FAILED: ${result.error}`);
        return { plain: { error: result.error }, pool: { error: result.error } };
      }
      const [p, q] = [result.figures.plain ?? [], result.figures.pool ?? []];
      plain.push(...p);
      pool.push(...q);
      ratios.push(...q.map((v, i) => v / p[i]!));
      plainCpu.push(...(result.figures.plainCpu ?? []));
      poolCpu.push(...(result.figures.poolCpu ?? []));
      const cpu = (values: number[] | undefined) => median(values ?? []).toFixed(2);
      report(
        `  (w) ${label}: plain ${fmt(median(p))}, pool ${fmt(median(q))} calls/s, pool/plain ${median(q.map((v, i) => v / p[i]!)).toFixed(3)}; client CPU ${cpu(result.figures.plainCpu)} / ${cpu(result.figures.poolCpu)} µs per call`,
      );
    }
    return { plain: rate(plain), pool: rate(pool), ratio: median(ratios), plainCpuUs: median(plainCpu), poolCpuUs: median(poolCpu) };
  };
  // Overhead: one pinned worker.
  const pinned = await startWorkers(1, options.cpus?.server);
  let sequential: OverheadCell;
  let inflight64: OverheadCell;
  try {
    sequential = await overhead(1, "sequential add");
    inflight64 = await overhead(64, "64 in flight add");
  } finally {
    await pinned.stop();
  }
  // Throughput: 4 unpinned workers, pools over the first 1, 2, 4, rounds alternating.
  const fleet = await startWorkers(4, undefined);
  const scalingRuns = new Map<number, number[]>();
  let scalingError: string | undefined;
  try {
    for (let round = 0; round < options.repeat && scalingError === undefined; round++) {
      for (const workers of [1, 2, 4]) {
        const config = { uris: fleet.uris.slice(0, workers), mode: "pool" as const, method: "work" as const, micros: 200, inflight: 32 };
        const result = await runClient(config, options.timing, undefined);
        if ("error" in result) {
          scalingError = result.error;
          report(`  (w) CPU task over ${workers} workers: FAILED: ${result.error}`);
          break;
        }
        const value = median(result.figures.rates ?? []);
        scalingRuns.set(workers, [...(scalingRuns.get(workers) ?? []), value]);
        report(`  (w) CPU task over ${workers} worker${workers === 1 ? "" : "s"}: ${fmt(value)} calls/s`);
      }
    }
  } finally {
    await fleet.stop();
  }
  const scaling = [1, 2, 4].map((workers) => ({
    workers,
    cell: scalingError !== undefined ? ({ error: scalingError } as PoolCell) : rate(scalingRuns.get(workers) ?? []),
  }));
  return { sequential, inflight64, scaling };
}

/** What a client printed (its `RESULT` figures), or why it failed. */
type ClientAnswer = { figures: Record<string, number[]> } | { error: string };

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[(sorted.length - 1) >> 1]!;
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/** The section as an aligned text table. */
export function formatPoolSection(section: PoolSection): string {
  const rate = (c: PoolCell) => ("error" in c ? "FAIL" : Math.round(c.rate).toLocaleString("en-US"));

  const lines: string[][] = [["workload", "plain proxy", "pool, 1 worker", "pool/plain", "target", "client CPU µs/call: plain", "pool"]];
  for (const [label, pair] of [
    ["sequential add, calls/s", section.sequential],
    ["64 in flight add, calls/s", section.inflight64],
  ] as const) {
    const r = pair.ratio;
    lines.push([
      label,
      rate(pair.plain),
      rate(pair.pool),
      r === undefined ? "-" : r.toFixed(3),
      `≥ ${POOL_OVERHEAD_TARGET} ${r === undefined ? "?" : r >= POOL_OVERHEAD_TARGET ? "✓" : "✗"}`,
      pair.plainCpuUs === undefined ? "-" : pair.plainCpuUs.toFixed(2),
      pair.poolCpuUs === undefined ? "-" : pair.poolCpuUs.toFixed(2),
    ]);
  }
  const base = section.scaling[0]?.cell;
  const scaling: string[][] = [["CPU task 200 µs, 32 in flight", "calls/s", "vs 1 worker"]];
  for (const { workers, cell } of section.scaling) {
    const r = base && !("error" in base) && !("error" in cell) ? cell.rate / base.rate : undefined;
    scaling.push([`pool over ${workers} worker process${workers === 1 ? "" : "es"}`, rate(cell), r === undefined ? "-" : `${r.toFixed(2)}x`]);
  }
  return [render(lines), "", render(scaling)].join("\n");
}

function render(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, col) => (col === 0 || col === 4 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!)))
      .join("  ")
      .trimEnd();
  return [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

async function startWorkers(count: number, cpu: string | undefined): Promise<{ uris: string[]; stop(): Promise<void> }> {
  const children: Spawned[] = [];
  try {
    for (let i = 0; i < count; i++) children.push(spawnProcess(process.execPath, [WORKER], { cpu, env: { PATH: process.env.PATH ?? "" } }));
    const uris = await Promise.all(children.map(async (child) => (await child.waitForLine(/^URI (.*)$/, 20_000))[1]!));
    return { uris, stop: async () => void (await Promise.all(children.map((c) => c.stop()))) };
  } catch (error) {
    await Promise.all(children.map((c) => c.stop()));
    throw error;
  }
}

async function runClient(
  config: { uris: string[]; mode: "ab" | "pool"; method: "add" | "work"; micros?: number; inflight: number },
  timing: Timing,
  cpu: string | undefined,
): Promise<ClientAnswer> {
  const child = spawnProcess(process.execPath, [CLIENT, JSON.stringify({ ...config, ...timing })], { cpu, env: { PATH: process.env.PATH ?? "" } });
  try {
    const budget = timing.warmupMs + timing.windowMs * timing.windows * 2 + 20_000;
    return { figures: JSON.parse((await child.waitForLine(/^RESULT (.*)$/, budget))[1]!) as Record<string, number[]> };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    await child.stop();
  }
}
