/**
 * Section (p) of the bench: unmodified Python clients calling a pyrots daemon — Pyro4 (protocol
 * 48) and Pyro5 (protocol 502), with msgpack and with serpent (Pyro5's msgpack when Python has
 * msgpack) — beside the same client calling a Python daemon of its own version. Workload a
 * (sequential `add(i, 1)`), one client thread.
 *
 * Where the time goes: each server's and the client's CPU time (user + system from
 * /proc/<pid>/stat) over the measured windows only (the client prints `MEASURING` and `MEASURED`
 * around them), as µs per call and as a share of one core. A pyrots daemon using a fraction of a
 * core while the Python client uses most of one is not the bottleneck.
 */
import { fileURLToPath } from "node:url";
// The interop suites' way of finding Pyro5 (PYROTS_PYRO5_PATH, or ../shared/vendor beside the clone).
import { type Spawned, pyro5Path, spawnProcess } from "@pyrots/test-support";
import { PYTHON } from "./cell.js";
import { type ClientResult, READY_PREFIX, RESULT_PREFIX, type Timing } from "./contract.js";
import { median } from "./driver.js";
import { cpuSeconds, lineAfter } from "./spawn.js";
import { spawnSync } from "node:child_process";

const DIST = fileURLToPath(new URL("./", import.meta.url));
const PYTHON_DIR = fileURLToPath(new URL("../python/", import.meta.url));

/** One cell: a Python client of one version and serializer against one server. */
export interface PythonCell {
  pyro: "Pyro4" | "Pyro5";
  serializer: "msgpack" | "serpent";
  server: "python" | "pyrots";
  /** Median calls/s over the windows. */
  value?: number;
  p50Us?: number;
  /** Server CPU µs per call, and its share of one core at the measured rate. */
  serverUsPerCall?: number;
  serverShare?: number;
  /** The client's CPU share over its run (process time / wall time). */
  clientShare?: number;
  error?: string;
  skipped?: string;
}

/** The environment of a Python process of `pyro` using `serializer` (Pyro5: at its defaults, the serializer chosen in code). */
function pythonEnv(pyro: PythonCell["pyro"], serializer: PythonCell["serializer"]): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("PYRO_") && !key.startsWith("PYTHON")) base[key] = value;
  base.PYTHONDONTWRITEBYTECODE = "1";
  if (pyro === "Pyro4") return { ...base, PYRO_SERIALIZER: serializer, PYRO_SERIALIZERS_ACCEPTED: "msgpack,serpent,marshal,json" };
  return { ...base, BENCH_PYRO: "5", BENCH_SERIALIZER: serializer, PYTHONPATH: pyro5Path() ?? "" };
}

/** Why a Python version cannot run here, or undefined. */
function unavailable(pyro: PythonCell["pyro"], serializer: PythonCell["serializer"]): string | undefined {
  if (pyro === "Pyro5" && pyro5Path() === undefined) return "n/a (Pyro5 not found: set PYROTS_PYRO5_PATH)";
  const module = pyro === "Pyro5" ? "Pyro5" : "Pyro4";
  const probe = spawnSync(PYTHON, ["-c", `import ${module}, ${serializer}`], { env: pythonEnv(pyro, serializer), encoding: "utf8", timeout: 15_000 });
  return probe.status === 0 ? undefined : `n/a (${module} with ${serializer} not importable)`;
}

async function runPythonCell(
  pyro: PythonCell["pyro"],
  serializer: PythonCell["serializer"],
  server: PythonCell["server"],
  timing: Timing,
  cpus?: { server: string; client: string },
): Promise<PythonCell> {
  const cell: PythonCell = { pyro, serializer, server };
  const why = unavailable(pyro, serializer);
  if (why) return { ...cell, skipped: why };
  const env = pythonEnv(pyro, serializer);
  let serverChild: Spawned | undefined;
  let client: Spawned | undefined;
  try {
    serverChild =
      server === "pyrots"
        ? spawnProcess(process.execPath, [`${DIST}server.js`, "--impl", "pyrots"], { cpu: cpus?.server })
        : spawnProcess(PYTHON, [`${PYTHON_DIR}server.py`], { cpu: cpus?.server, env });
    const port = Number(await lineAfter(serverChild, READY_PREFIX, 15_000));
    const args = [
      "--workload",
      "a",
      "--port",
      String(port),
      "--warmup",
      String(timing.warmupMs),
      "--window",
      String(timing.windowMs),
      "--windows",
      String(timing.windows),
    ];
    client = spawnProcess(PYTHON, [`${PYTHON_DIR}client.py`, ...args], { cpu: cpus?.client, env });
    // CPU time of both processes over the measured windows only (the client says when they run).
    const budget = timing.warmupMs + timing.windowMs * timing.windows + 40_000;
    // The client reports its own CPU time on those lines (it may be gone before /proc is read).
    const clientBefore = Number(await lineAfter(client, "MEASURING ", budget));
    const serverBefore = cpuSeconds(serverChild.pid);
    const started = performance.now();
    const clientAfter = Number(await lineAfter(client, "MEASURED ", budget));
    const wall = (performance.now() - started) / 1000;
    const serverAfter = cpuSeconds(serverChild.pid);
    const code = await Promise.race([client.exited.then((exit) => exit.code), new Promise<"late">((resolve) => setTimeout(resolve, 30_000, "late").unref())]);
    if (code !== 0) throw new Error(code === "late" ? "client ran out of time" : `client failed (exit ${code}): ${client.stderr().trim().slice(-600)}`);
    if (serverBefore === undefined || serverAfter === undefined) throw new Error(`server exited during the run: ${serverChild.stderr().trim().slice(-600)}`);
    const line = client.lines.find((l) => l.startsWith(RESULT_PREFIX));
    if (!line) throw new Error(`client printed no result: ${client.stderr().trim().slice(-600)}`);
    const result = JSON.parse(line.slice(RESULT_PREFIX.length)) as ClientResult;
    const value = median(result.rates);
    const calls = result.rates.reduce((sum, rate) => sum + rate * (timing.windowMs / 1000), 0);
    const serverCpu = serverAfter - serverBefore;
    return {
      ...cell,
      value,
      p50Us: result.p50Us,
      serverUsPerCall: (serverCpu * 1e6) / calls,
      serverShare: serverCpu / wall,
      clientShare: (clientAfter - clientBefore) / wall,
    };
  } catch (error) {
    return { ...cell, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await client?.stop();
    await serverChild?.stop();
  }
}

/** Runs every cell of section (p), `repeat` rounds (the median run of each cell is kept); `report` hears each one. */
export async function runPythonSection(
  timing: Timing,
  cpus: { server: string; client: string } | undefined,
  repeat: number,
  report: (line: string) => void,
): Promise<PythonCell[]> {
  const plan: [PythonCell["pyro"], PythonCell["serializer"]][] = [
    ["Pyro4", "msgpack"],
    ["Pyro4", "serpent"],
    ["Pyro5", "msgpack"],
    ["Pyro5", "serpent"],
  ];
  const cells: PythonCell[] = [];
  for (const [pyro, serializer] of plan) {
    for (const server of ["python", "pyrots"] as const) {
      const runs: PythonCell[] = [];
      for (let round = 0; round < repeat; round++) runs.push(await runPythonCell(pyro, serializer, server, timing, cpus));
      const failed = runs.find((r) => r.error ?? r.skipped);
      const kept = failed ?? [...runs].sort((x, y) => x.value! - y.value!)[(runs.length - 1) >> 1]!;
      report(`  (p) ${pyro} ${serializer} client → ${server} daemon: ${describeCell(kept)}`);
      cells.push(kept);
    }
  }
  return cells;
}

function describeCell(cell: PythonCell): string {
  if (cell.skipped) return cell.skipped;
  if (cell.error) return `ERROR ${cell.error}`;
  return `${Math.round(cell.value!)} calls/s, server ${cell.serverUsPerCall!.toFixed(0)} µs CPU/call (${pct(cell.serverShare)} of a core), client ${pct(cell.clientShare)}`;
}

function pct(share: number | undefined): string {
  return share === undefined ? "?" : `${Math.round(share * 100)}%`;
}

/** The section's table: one row per Python version and serializer, the Python daemon beside the pyrots one. */
export function formatPythonTable(cells: readonly PythonCell[]): string {
  const header = [
    "client",
    "serializer",
    "→ Python daemon",
    "→ pyrots daemon",
    "ratio",
    "µs CPU/call: pyrots",
    "Python daemon",
    "client",
    "CPU share: pyrots",
    "client",
  ];
  const rows: string[][] = [];
  const us = (value: number | undefined) => (value === undefined ? "-" : value.toFixed(0));
  for (let i = 0; i + 1 < cells.length; i += 2) {
    const python = cells[i]!;
    const pyrots = cells[i + 1]!;
    const rate = (c: PythonCell) => c.skipped ?? (c.error ? "ERROR" : `${Math.round(c.value!)} calls/s`);
    const ratio = python.value && pyrots.value ? `${(pyrots.value / python.value).toFixed(2)}×` : "-";
    const clientUs = pyrots.clientShare !== undefined && pyrots.value ? (pyrots.clientShare * 1e6) / pyrots.value : undefined;
    rows.push([
      python.pyro,
      python.serializer,
      rate(python),
      rate(pyrots),
      ratio,
      us(pyrots.serverUsPerCall),
      us(python.serverUsPerCall),
      us(clientUs),
      pct(pyrots.serverShare),
      pct(pyrots.clientShare),
    ]);
  }
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cols: string[]) =>
    cols
      .map((col, c) => col.padEnd(widths[c]!))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
