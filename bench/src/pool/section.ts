/**
 * Section (p) of the bench: pool proxies.
 *
 * - **Overhead**: one worker process, the same calls through a plain proxy and through a pool proxy
 *   over that one worker — sequential `add`, and `add` with 64 in flight. Target: the pool keeps
 *   ≥ 0.95 of the plain proxy's rate (≤ 5% overhead). Client on CPU 1, worker on CPU 0 (as
 *   workloads a and c), plain and pool alternating in every round.
 * - **Throughput**: a CPU-bound task of 200 µs, 32 in flight, through a pool over 1, 2 and 4 worker
 *   processes, unpinned (the workers and the client share the machine's cores: on 2 cores, 2
 *   workers can double the rate of 1 only while the client leaves them a core's worth).
 */
import { fileURLToPath } from "node:url";
import type { Timing } from "../contract.js";
import { type Child, start, waitForLine } from "../spawn.js";

const WORKER = fileURLToPath(new URL("./worker.js", import.meta.url));
const CLIENT = fileURLToPath(new URL("./client.js", import.meta.url));

/** The pool's rate must reach this share of the plain proxy's. */
export const POOL_OVERHEAD_TARGET = 0.95;

/** One measured cell: calls/s (median window), or why it failed. */
export type PoolCell = { rate: number; runs?: number[] } | { error: string };

/** The section's figures. */
export interface PoolSection {
  readonly sequential: { plain: PoolCell; pool: PoolCell };
  readonly inflight64: { plain: PoolCell; pool: PoolCell };
  readonly scaling: { workers: number; cell: PoolCell }[];
}

/** Options of {@link runPoolSection}. */
export interface PoolSectionOptions {
  readonly timing: Timing;
  readonly repeat: number;
  /** CPUs to pin the overhead cells to (worker, client); none: unpinned. */
  readonly cpus?: { server: string; client: string };
}

/** Runs section (p); `report` hears of each cell. */
export async function runPoolSection(options: PoolSectionOptions, report: (line: string) => void): Promise<PoolSection> {
  const runs = new Map<string, number[]>();
  const errors = new Map<string, string>();
  const record = (key: string, result: PoolCell) => {
    if ("error" in result) errors.set(key, result.error);
    else runs.set(key, [...(runs.get(key) ?? []), result.rate]);
    report(`  (p) ${key}: ${"error" in result ? `FAILED: ${result.error}` : `${Math.round(result.rate).toLocaleString("en-US")} calls/s`}`);
  };
  // Overhead: one pinned worker.
  const pinned = await startWorkers(1, options.cpus?.server);
  try {
    for (let round = 0; round < options.repeat; round++) {
      for (const [label, inflight] of [
        ["sequential add", 1],
        ["64 in flight add", 64],
      ] as const) {
        for (const mode of ["plain", "pool"] as const) {
          record(`${label} ${mode}`, await runClient({ uris: pinned.uris, mode, method: "add", inflight }, options.timing, options.cpus?.client));
        }
      }
    }
  } finally {
    await pinned.stop();
  }
  // Throughput: 4 unpinned workers, pools over the first 1, 2, 4.
  const fleet = await startWorkers(4, undefined);
  try {
    for (let round = 0; round < options.repeat; round++) {
      for (const workers of [1, 2, 4]) {
        const config = { uris: fleet.uris.slice(0, workers), mode: "pool" as const, method: "work" as const, micros: 200, inflight: 32 };
        record(`CPU task over ${workers} worker${workers === 1 ? "" : "s"}`, await runClient(config, options.timing, undefined));
      }
    }
  } finally {
    await fleet.stop();
  }
  const cell = (key: string): PoolCell => {
    const error = errors.get(key);
    if (error !== undefined) return { error };
    const values = [...(runs.get(key) ?? [])].sort((a, b) => a - b);
    return { rate: values[(values.length - 1) >> 1] ?? 0, runs: runs.get(key) };
  };
  return {
    sequential: { plain: cell("sequential add plain"), pool: cell("sequential add pool") },
    inflight64: { plain: cell("64 in flight add plain"), pool: cell("64 in flight add pool") },
    scaling: [1, 2, 4].map((n) => ({ workers: n, cell: cell(`CPU task over ${n} worker${n === 1 ? "" : "s"}`) })),
  };
}

/** The section as an aligned text table. */
export function formatPoolSection(section: PoolSection): string {
  const rate = (c: PoolCell) => ("error" in c ? "FAIL" : Math.round(c.rate).toLocaleString("en-US"));
  const ratio = (plain: PoolCell, pool: PoolCell) => ("error" in plain || "error" in pool ? undefined : pool.rate / plain.rate);
  const lines: string[][] = [["workload", "plain proxy", "pool, 1 worker", "pool/plain", "target"]];
  for (const [label, pair] of [
    ["sequential add, calls/s", section.sequential],
    ["64 in flight add, calls/s", section.inflight64],
  ] as const) {
    const r = ratio(pair.plain, pair.pool);
    lines.push([
      label,
      rate(pair.plain),
      rate(pair.pool),
      r === undefined ? "-" : r.toFixed(3),
      `≥ ${POOL_OVERHEAD_TARGET} ${r === undefined ? "?" : r >= POOL_OVERHEAD_TARGET ? "✓" : "✗"}`,
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
  const children: Child[] = [];
  try {
    for (let i = 0; i < count; i++) children.push(start(process.execPath, [WORKER], { cpu, env: { PATH: process.env.PATH ?? "" } }));
    const uris = await Promise.all(children.map((child) => waitForLine(child, "URI ", 20_000)));
    return { uris, stop: async () => void (await Promise.all(children.map((c) => c.stop()))) };
  } catch (error) {
    await Promise.all(children.map((c) => c.stop()));
    throw error;
  }
}

async function runClient(
  config: { uris: string[]; mode: "plain" | "pool"; method: "add" | "work"; micros?: number; inflight: number },
  timing: Timing,
  cpu: string | undefined,
): Promise<PoolCell> {
  const child = start(process.execPath, [CLIENT, JSON.stringify({ ...config, ...timing })], { cpu, env: { PATH: process.env.PATH ?? "" } });
  try {
    const budget = timing.warmupMs + timing.windowMs * timing.windows + 20_000;
    const line = await waitForLine(child, "RESULT ", budget);
    const { rates } = JSON.parse(line) as { rates: number[] };
    const sorted = [...rates].sort((a, b) => a - b);
    return { rate: sorted[(sorted.length - 1) >> 1]! };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    await child.stop();
  }
}
