/**
 * Section (s) of the bench: the pyrots name server on each storage — memory, SQLite, and etcd (a
 * real 3-member cluster on loopback ports, started for the section and stopped after it) — with
 * workloads h (lookups/s) and i (sequential registrations: rate and p50/p99 latency). An etcd
 * replica answers lookups from its local copy, so its target is at least 0.90 of memory's rate.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// The tests' cluster launcher (test workspace, built before the bench: see tsconfig references).
import { type EtcdCluster, etcdAvailable, startEtcdCluster } from "../../test/dist/support/etcd-cluster.js";
import { type CellOptions, type CellResult, medianRun, runCell } from "./cell.js";

/** Lookups on an etcd replica must reach this share of the memory storage's rate. */
export const ETCD_LOOKUP_TARGET = 0.9;

/** One storage's figures. */
export interface StorageRow {
  storage: string;
  lookup: CellResult | { skipped: string };
  register: CellResult | { skipped: string };
}

/**
 * Runs workloads h and i on a pyro-ns with each storage, `repeat` rounds alternating the storages
 * (the median run of each is kept); `report` is told about each cell.
 */
export async function runStorageSection(options: CellOptions, repeat: number, report: (line: string) => void): Promise<StorageRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "pyrots-bench-ns-"));
  let cluster: EtcdCluster | undefined;
  const specs: [string, () => Promise<string | { skipped: string }>][] = [
    ["memory", async () => "memory"],
    ["sql", async () => `sql:${join(dir, "names.sqlite")}`],
    [
      "etcd",
      async () => {
        const available = etcdAvailable();
        if (!available.ok) return { skipped: `n/a (${available.reason}; apt-get install etcd-server)` };
        cluster ??= await startEtcdCluster();
        return `etcd:${cluster.endpoints}/bench`;
      },
    ],
  ];
  const runs = new Map<string, CellResult[]>();
  const skipped = new Map<string, { skipped: string }>();
  try {
    for (let round = 0; round < repeat; round++) {
      for (const [storage, spec] of specs) {
        for (const workload of ["h", "i"] as const) {
          const key = `${storage}/${workload}`;
          const nsStorage = await spec();
          if (typeof nsStorage !== "string") {
            skipped.set(key, nsStorage);
            continue;
          }
          const cell = await runCell("pyrots", workload, { ...options, nsStorage });
          runs.set(key, [...(runs.get(key) ?? []), cell]);
          report(`  (s) ${storage} ${workload === "h" ? "lookup" : "register"}: ${describe(cell)}`);
        }
      }
    }
  } finally {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const pick = (key: string) => skipped.get(key) ?? medianRun(runs.get(key) ?? []);
  return specs.map(([storage]) => ({ storage, lookup: pick(`${storage}/h`), register: pick(`${storage}/i`) }));
}

function describe(cell: CellResult | { skipped: string }): string {
  if ("skipped" in cell && cell.skipped) return cell.skipped;
  const result = cell as CellResult;
  if (result.error) return `FAILED: ${result.error}`;
  return `${Math.round(result.value!).toLocaleString("en-US")}/s, peak RSS ${result.rssMiB?.toFixed(1)} MiB`;
}

/** The section as an aligned text table. */
export function formatStorageTable(rows: readonly StorageRow[]): string {
  const memory = rows.find((r) => r.storage === "memory");
  const memoryLookups = figure(memory?.lookup, (c) => c.value);
  const headings = ["storage", "lookups/s", "vs memory", "target", "registrations/s", "register p50 µs", "register p99 µs", "peak RSS MiB"];
  const body = rows.map((row) => {
    const lookups = figure(row.lookup, (c) => c.value);
    const ratio = typeof lookups === "number" && typeof memoryLookups === "number" ? lookups / memoryLookups : undefined;
    const target = row.storage === "etcd" ? `≥ ${ETCD_LOOKUP_TARGET.toFixed(2)} ${ratio === undefined ? "?" : ratio >= ETCD_LOOKUP_TARGET ? "✓" : "✗"}` : "";
    return [
      row.storage,
      show(lookups, 0),
      ratio === undefined ? "-" : ratio.toFixed(2),
      target,
      show(
        figure(row.register, (c) => c.value),
        0,
      ),
      show(
        figure(row.register, (c) => c.p50Us),
        1,
      ),
      show(
        figure(row.register, (c) => c.p99Us),
        1,
      ),
      show(
        figure(row.lookup, (c) => c.rssMiB),
        1,
      ),
    ];
  });
  const all = [headings, ...body];
  const widths = headings.map((_, col) => Math.max(...all.map((line) => line[col]!.length)));
  const render = (line: string[]) =>
    line
      .map((cell, col) => (col === 0 || col === 3 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!)))
      .join("  ")
      .trimEnd();
  return [render(headings), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(render)].join("\n");
}

function figure(cell: CellResult | { skipped: string } | undefined, pick: (cell: CellResult) => number | undefined): number | string {
  if (cell === undefined) return "-";
  if ("skipped" in cell && cell.skipped) return "n/a";
  const result = cell as CellResult;
  if (result.error) return "FAIL";
  return pick(result) ?? "-";
}

function show(value: number | string, digits: number): string {
  return typeof value === "number" ? value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }) : value;
}
