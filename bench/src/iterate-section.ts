/**
 * Section (j) of the bench: remote iterator throughput. A generator of {@link ITERATE_ITEMS} small
 * items (`items(n)` on the bench object) is iterated by a client of the same implementation:
 * pyrots' `for await` against a pyrots daemon, and a Python Pyro4 `for` loop against a Pyro4
 * daemon (Pyro4 fetches each item with its own round trip). Items/s over the whole iteration, or
 * over {@link ITERATE_SECONDS} when the generator takes longer; the target is pyrots ≥ 20× Pyro4.
 * Beside it, the daemon's CPU time per item (user + system, from /proc, 10 ms resolution), which
 * a loaded machine disturbs less than items/s.
 */
import { fileURLToPath } from "node:url";
import { PYTHON } from "./cell.js";
import { READY_PREFIX, RESULT_PREFIX } from "./contract.js";
import { type Spawned, spawnProcess } from "@pyrots/test-support";
import { cpuSeconds, lineAfter } from "./spawn.js";

const DIST = fileURLToPath(new URL("./", import.meta.url));
const PYTHON_DIR = fileURLToPath(new URL("../python/", import.meta.url));

/** Items the generator yields. */
export const ITERATE_ITEMS = 100_000;
/** Longest a client iterates before it stops and reports what it got. */
export const ITERATE_SECONDS = 10;
/** The issue's target: pyrots' items/s at least this many times Pyro4's. */
export const ITERATE_TARGET = 20;

/** One implementation's figure. */
export interface IterateCell {
  impl: "pyrots" | "python";
  itemsPerSecond?: number;
  items?: number;
  seconds?: number;
  /** The daemon's CPU microseconds per item while the client iterated. */
  serverCpuMicrosPerItem?: number;
  error?: string;
}

async function runIterateCell(impl: IterateCell["impl"], cpus: { server: string; client: string } | undefined): Promise<IterateCell> {
  let server: Spawned | undefined;
  let client: Spawned | undefined;
  try {
    server =
      impl === "pyrots"
        ? spawnProcess(process.execPath, [`${DIST}server.js`, "--impl", "pyrots"], { cpu: cpus?.server })
        : spawnProcess(PYTHON, [`${PYTHON_DIR}server.py`], {
            cpu: cpus?.server,
            env: { ...process.env, PYRO_SERIALIZER: "msgpack", PYRO_SERIALIZERS_ACCEPTED: "msgpack,serpent" },
          });
    const port = await lineAfter(server, READY_PREFIX, 15_000);
    const cpuBefore = cpuSeconds(server.pid);
    const args = ["--port", port, "--items", String(ITERATE_ITEMS), "--seconds", String(ITERATE_SECONDS)];
    client =
      impl === "pyrots"
        ? spawnProcess(process.execPath, [`${DIST}iterate-client.js`, ...args], { cpu: cpus?.client })
        : spawnProcess(PYTHON, [`${PYTHON_DIR}iterate_client.py`, ...args], { cpu: cpus?.client, env: { ...process.env, PYRO_SERIALIZER: "msgpack" } });
    const line = await lineAfter(client, RESULT_PREFIX, (ITERATE_SECONDS + 30) * 1000);
    const result = JSON.parse(line) as { items: number; seconds: number };
    const cpuAfter = cpuSeconds(server.pid);
    const cell: IterateCell = { impl, items: result.items, seconds: result.seconds, itemsPerSecond: result.items / result.seconds };
    if (cpuBefore !== undefined && cpuAfter !== undefined) cell.serverCpuMicrosPerItem = ((cpuAfter - cpuBefore) * 1e6) / result.items;
    return cell;
  } catch (error) {
    return { impl, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await client?.stop();
    await server?.stop();
  }
}

/** Runs section (j), `repeat` times per implementation (the median run is kept); `report` hears each run. */
export async function runIterateSection(
  cpus: { server: string; client: string } | undefined,
  repeat: number,
  report: (line: string) => void,
): Promise<IterateCell[]> {
  const cells: IterateCell[] = [];
  for (const impl of ["pyrots", "python"] as const) {
    const runs: IterateCell[] = [];
    for (let round = 0; round < repeat; round++) {
      const cell = await runIterateCell(impl, cpus);
      report(
        `  (j) iterator, ${impl}: ${cell.error ? `FAILED: ${cell.error}` : `${Math.round(cell.itemsPerSecond!)} items/s (${cell.items} items in ${cell.seconds!.toFixed(1)} s)${cpuText(cell)}`}`,
      );
      runs.push(cell);
    }
    const failed = runs.find((r) => r.error);
    cells.push(failed ?? [...runs].sort((x, y) => x.itemsPerSecond! - y.itemsPerSecond!)[(runs.length - 1) >> 1]!);
  }
  return cells;
}

/** The section's table. */
export function formatIterateTable(cells: readonly IterateCell[]): string {
  const [pyrots, python] = cells;
  const figure = (c: IterateCell | undefined) =>
    c === undefined ? "-" : c.error ? "FAIL" : `${Math.round(c.itemsPerSecond!).toLocaleString("en-US")} items/s${cpuText(c)}`;
  const ratio = pyrots?.itemsPerSecond && python?.itemsPerSecond ? pyrots.itemsPerSecond / python.itemsPerSecond : undefined;
  const met = ratio === undefined ? "?" : ratio >= ITERATE_TARGET ? "✓" : "✗";
  return [
    `pyrots → pyrots daemon: ${figure(pyrots)}`,
    `Pyro4 → Pyro4 daemon:   ${figure(python)}`,
    `pyrots/Pyro4: ${ratio === undefined ? "-" : `${ratio.toFixed(1)}×`} (target ≥ ${ITERATE_TARGET}× ${met})`,
  ].join("\n");
}

/** `, 1.2 µs daemon CPU/item` when the daemon's CPU time was read. */
function cpuText(cell: IterateCell): string {
  return cell.serverCpuMicrosPerItem === undefined ? "" : `, ${cell.serverCpuMicrosPerItem.toFixed(1)} µs daemon CPU/item`;
}
