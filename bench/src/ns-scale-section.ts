/**
 * Section (l) of the bench: the name server at scale. A client fills a name server to 1,000 and
 * then 100,000 names (ten per group, one tag per group) and times, at each size, sequential
 * `lookup`s of random names, `list(prefix)` of one group and the tag search of one group
 * (`yplookup`; on Pyro4 4.82, which lacks it, `list(metadata_all=…)`), each answer 10 names. The
 * targets: lookup flat, the searches proportional to their answer (so flat too here). Also the
 * server's resident memory at each size and, for SQLite, the database's size on disk. Name
 * servers: pyrots on memory and on SQLite storage, Python Pyro4's (memory).
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { PYTHON } from "./cell.js";
import { READY_PREFIX } from "./contract.js";
import { type Spawned, freePort, spawnProcess, waitForPort } from "@pyrots/test-support";
import { lineAfter, rssKiB } from "./spawn.js";

const DIST = fileURLToPath(new URL("./", import.meta.url));

/** Name counts measured. */
export const NS_SCALE_STEPS = [1000, 100_000];
/** Longest a step (filling and timing) may take. */
const STEP_TIMEOUT_MS = 240_000;

/** p50 and p99 in µs. */
interface Latency {
  p50: number;
  p99: number;
}

/** One name server at one size. */
export interface NsScaleStep {
  names: number;
  fillSeconds: number;
  lookup: Latency;
  list: Latency;
  tags: Latency;
  rssMiB: number;
  /** SQLite only: the database and its WAL on disk, MiB. */
  diskMiB?: number;
}

/** One name server's figures. */
export interface NsScaleCell {
  server: "pyrots memory" | "pyrots SQLite" | "Pyro4";
  steps: NsScaleStep[];
  error?: string;
}

function fileMiB(path: string): number {
  let bytes = 0;
  for (const suffix of ["", "-wal", "-shm"]) {
    try {
      bytes += statSync(path + suffix).size;
    } catch {
      // not there
    }
  }
  return bytes / (1024 * 1024);
}

async function runNsScaleCell(server: NsScaleCell["server"], cpus: { server: string; client: string } | undefined): Promise<NsScaleCell> {
  const cell: NsScaleCell = { server, steps: [] };
  const dir = mkdtempSync(join(tmpdir(), "pyrots-bench-ns-"));
  const dbFile = join(dir, "names.db");
  let ns: Spawned | undefined;
  let client: Spawned | undefined;
  try {
    let port: string;
    if (server === "Pyro4") {
      const free = await freePort();
      ns = spawnProcess(PYTHON, ["-m", "Pyro4.naming", "-n", "127.0.0.1", "-p", String(free), "-x"], {
        cpu: cpus?.server,
        env: { ...process.env, PYRO_SERIALIZERS_ACCEPTED: "msgpack,serpent,marshal,json" },
      });
      await waitForPort(free, 15_000, () => `: ${ns!.stderr().trim().slice(-600)}`);
      port = String(free);
    } else {
      const storage = server === "pyrots SQLite" ? `sql:${dbFile}` : "memory";
      ns = spawnProcess(process.execPath, [`${DIST}ns-scale-server.js`, "--storage", storage], { cpu: cpus?.server });
      port = await lineAfter(ns, READY_PREFIX, 15_000);
    }
    const args = ["--port", port, "--steps", NS_SCALE_STEPS.join(","), ...(server === "Pyro4" ? ["--pyro4"] : [])];
    client = spawnProcess(process.execPath, [`${DIST}ns-scale-client.js`, ...args], { cpu: cpus?.client });
    for (const names of NS_SCALE_STEPS) {
      const fillSeconds = Number(await lineAfter(client, `POPULATED ${names} `, STEP_TIMEOUT_MS));
      const latency = JSON.parse(
        await lineAfter(client, `LATENCY {"step":${names},`, STEP_TIMEOUT_MS).then((rest) => `{"step":${names},${rest}`),
      ) as NsScaleStep;
      await sleep(300);
      const kib = await rssKiB(ns.pid);
      if (kib === undefined) throw new Error(`name server exited: ${ns.stderr().trim().slice(-600)}`);
      cell.steps.push({
        names,
        fillSeconds,
        lookup: latency.lookup,
        list: latency.list,
        tags: latency.tags,
        rssMiB: kib / 1024,
        diskMiB: server === "pyrots SQLite" ? fileMiB(dbFile) : undefined,
      });
    }
    await lineAfter(client, "DONE", 30_000);
  } catch (error) {
    cell.error = error instanceof Error ? error.message : String(error);
  } finally {
    await client?.stop();
    await ns?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return cell;
}

/** Runs section (l); `report` hears each name server's figures. */
export async function runNsScaleSection(cpus: { server: string; client: string } | undefined, report: (line: string) => void): Promise<NsScaleCell[]> {
  const cells: NsScaleCell[] = [];
  for (const server of ["pyrots memory", "pyrots SQLite", "Pyro4"] as const) {
    const cell = await runNsScaleCell(server, cpus);
    report(`  (l) name server at scale, ${server}: ${cell.error ? `FAILED: ${cell.error}` : `${cell.steps.length} sizes measured`}`);
    cells.push(cell);
  }
  return cells;
}

/** The section's table: one row per name server and size. */
export function formatNsScaleTable(cells: readonly NsScaleCell[]): string {
  const header = ["name server", "names", "fill s", "lookup p50/p99 µs", "list(prefix) p50/p99 µs", "tag search p50/p99 µs", "RSS MiB", "disk MiB"];
  const us = (l: Latency) => `${Math.round(l.p50)} / ${Math.round(l.p99)}`;
  const rows: string[][] = [];
  for (const cell of cells) {
    if (cell.error) rows.push([cell.server, "FAIL", cell.error.slice(0, 60), "", "", "", "", ""]);
    for (const s of cell.steps) {
      rows.push([
        cell.server,
        s.names.toLocaleString("en-US"),
        s.fillSeconds.toFixed(1),
        us(s.lookup),
        us(s.list),
        us(s.tags),
        s.rssMiB.toFixed(1),
        s.diskMiB === undefined ? "" : s.diskMiB.toFixed(1),
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
