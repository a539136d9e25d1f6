#!/usr/bin/env node
/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`, or `run.js --profile DIR`): the functions
 * with the most self time, as percentages of the busy (non-idle) time.
 *
 * `node bench/dist/profile-top.js FILE.cpuprofile [--top 25] [--match packages/core/dist]`
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** One function's share of the samples. */
interface Hot {
  name: string;
  where: string;
  hits: number;
  /** Percent of the busy samples (idle excluded). */
  percent: number;
}

/** Self time by function (name + file + line), most first; `match` keeps only files containing it. */
function topFunctions(profile: { nodes: ProfileNode[] }, match?: string): { hot: Hot[]; busy: number; idlePercent: number } {
  const byKey = new Map<string, Hot>();
  let total = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)") {
      idle += hits;
      continue;
    }
    const file = url.replace(/^file:\/\//, "").replace(/^.*\/(packages|bench|nameserver|node_modules)\//, "$1/");
    const where = file ? `${file}:${lineNumber + 1}` : "";
    const key = `${functionName}@${where}`;
    const entry = byKey.get(key) ?? { name: functionName || "(anonymous)", where, hits: 0, percent: 0 };
    entry.hits += hits;
    byKey.set(key, entry);
  }
  const busy = total - idle;
  const hot = [...byKey.values()]
    .filter((h) => h.hits > 0 && (match === undefined || h.where.includes(match)))
    .map((h) => ({ ...h, percent: (100 * h.hits) / Math.max(1, busy) }))
    .sort((x, y) => y.hits - x.hits);
  return { hot, busy, idlePercent: (100 * idle) / Math.max(1, total) };
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "25" }, match: { type: "string" } } });
  for (const file of positionals) {
    const { hot, idlePercent } = topFunctions(JSON.parse(readFileSync(file, "utf8")) as { nodes: ProfileNode[] }, values.match);
    const shown = hot.slice(0, Number(values.top));
    const inMatch = hot.reduce((sum, h) => sum + h.percent, 0);
    console.log(
      `${file}  (idle ${idlePercent.toFixed(1)}%; percentages of busy time${values.match ? `; '${values.match}' total ${inMatch.toFixed(1)}%` : ""})`,
    );
    for (const h of shown) console.log(`  ${h.percent.toFixed(1).padStart(5)}%  ${h.name.padEnd(32)} ${h.where}`);
  }
}

main();
