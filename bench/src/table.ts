/**
 * Rows of the results table (figures, ratios to the baseline, targets) and their aligned text.
 */
import type { CellResult } from "./cell.js";
import type { ImplId, WorkloadId } from "./contract.js";
import { RSS_TARGET, WORKLOADS } from "./workloads.js";

/** One row of the table. */
export interface Row {
  workload: WorkloadId;
  title: string;
  metric: string;
  /** Figures by implementation; text where there is none ("n/a", "FAIL", "-"). */
  values: Record<ImplId, number | string>;
  /** pyrots/baseline and python/baseline. */
  pyrotsRatio?: number;
  pythonRatio?: number;
  /** The target on pyrots/baseline, as text (e.g. "≥ 0.90"), and whether it is met. */
  target?: string;
  targetMet?: boolean;
  /** Whether pyrots is at least as good as Python here (undefined: not compared). */
  beatsPython?: boolean;
  digits: number;
}

type Pick = (cell: CellResult) => number | undefined;

/** Builds the rows for the workloads run, in order. */
export function buildRows(cells: readonly CellResult[], workloads: readonly WorkloadId[]): Row[] {
  const rows: Row[] = [];
  for (const id of workloads) {
    const info = WORKLOADS[id];
    const inWorkload = cells.filter((c) => c.workload === id);
    const make = (
      metric: string,
      pick: Pick,
      higherIsBetter: boolean,
      digits: number,
      target?: { bound: number; atLeast: boolean },
      comparePython = true,
    ): Row => {
      const values = {} as Record<ImplId, number | string>;
      for (const impl of ["baseline", "pyrots", "python"] as const) {
        const cell = inWorkload.find((c) => c.impl === impl);
        values[impl] = !cell ? "-" : cell.skipped ? "n/a" : cell.error ? "FAIL" : (pick(cell) ?? "-");
      }
      const ratio = (impl: ImplId) =>
        typeof values[impl] === "number" && typeof values.baseline === "number" && values.baseline > 0 ? (values[impl] as number) / values.baseline : undefined;
      const row: Row = { workload: id, title: info.title, metric, values, pyrotsRatio: ratio("pyrots"), pythonRatio: ratio("python"), digits };
      if (target) {
        row.target = `${target.atLeast ? "≥" : "≤"} ${target.bound.toFixed(2)}`;
        if (row.pyrotsRatio !== undefined) row.targetMet = target.atLeast ? row.pyrotsRatio >= target.bound : row.pyrotsRatio <= target.bound;
      }
      if (comparePython && typeof values.pyrots === "number" && typeof values.python === "number") {
        row.beatsPython = higherIsBetter ? values.pyrots >= values.python : values.pyrots <= values.python;
      }
      return row;
    };
    rows.push(make(info.metric, (c) => c.value, true, info.digits, info.target === undefined ? undefined : { bound: info.target, atLeast: true }));
    if (info.latency) {
      rows.push(make("p50 µs", (c) => c.p50Us, false, 1));
      rows.push(make("p99 µs", (c) => c.p99Us, false, 1));
    }
    rows.push(make("server µs CPU/op", (c) => c.serverUsPerOp, false, 1, undefined, false));
    rows.push(make("client µs CPU/op", (c) => c.clientUsPerOp, false, 1, undefined, false));
    rows.push(make("server peak RSS MiB", (c) => c.rssMiB, false, 1, { bound: RSS_TARGET, atLeast: false }, false));
  }
  return rows;
}

const HEADINGS = ["workload", "metric", "baseline", "pyrots", "python", "pyrots/base", "python/base", "target", "pyrots ≥ python"];

/** The rows as an aligned text table (numbers right-aligned). */
export function formatTable(rows: readonly Row[]): string {
  const number = (v: number | string, digits: number) =>
    typeof v === "number" ? v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }) : v;
  const ratio = (r?: number) => (r === undefined ? "-" : r.toFixed(2));
  const mark = (ok?: boolean) => (ok === undefined ? "" : ok ? "✓" : "✗");
  const body = rows.map((r, i) => [
    i > 0 && rows[i - 1]!.workload === r.workload ? "" : r.title,
    r.metric,
    number(r.values.baseline, r.digits),
    number(r.values.pyrots, r.digits),
    number(r.values.python, r.digits),
    ratio(r.pyrotsRatio),
    ratio(r.pythonRatio),
    r.target ? `${r.target} ${mark(r.targetMet) || "?"}` : "",
    r.beatsPython === undefined ? "" : mark(r.beatsPython),
  ]);
  const all = [HEADINGS, ...body];
  const widths = HEADINGS.map((_, col) => Math.max(...all.map((line) => line[col]!.length)));
  const leftAligned = new Set([0, 1, 7]);
  const render = (line: string[]) =>
    line
      .map((cell, col) => (leftAligned.has(col) ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!)))
      .join("  ")
      .trimEnd();
  return [render(HEADINGS), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(render)].join("\n");
}
