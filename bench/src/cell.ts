/**
 * One cell of the table: a fresh server and a fresh client process for one implementation and one
 * workload, the client's result, and the server's peak RSS read just before it is stopped.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type ClientResult, type ImplId, MEASURED_PREFIX, MEASURING_PREFIX, READY_PREFIX, RESULT_PREFIX, type Timing, type WorkloadId } from "./contract.js";
import { median } from "./driver.js";
import { type Spawned, freePort, spawnProcess, waitForPort } from "@pyrots/test-support";
import { cpuSeconds, lineAfter, peakRssMiB, startingWith } from "./spawn.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DIST = fileURLToPath(new URL("./", import.meta.url));
const PYTHON_DIR = fileURLToPath(new URL("../python/", import.meta.url));
/** The pyrots name server's command-line program, built by the nameserver workspace. */
export const NS_BIN = `${ROOT}nameserver/dist/bin/ns.js`;
/** The Python with Pyro4 4.82 and msgpack (not necessarily the first python3 on PATH). */
export const PYTHON = process.env.BENCH_PYTHON ?? "/usr/bin/python3";

/** How cells are run. */
export interface CellOptions {
  timing: Timing;
  /** CPUs for server and client (taskset lists), or undefined to run unpinned. */
  cpus?: { server: string; client: string };
  /** Write V8 CPU profiles of the Node processes under this folder (`<workload>-<impl>-server|client`). */
  profileDir?: string;
  /** Storage spec of the pyrots name server (`-s` of pyro-ns) for workloads h and i (default memory). */
  nsStorage?: string;
}

/** The outcome of one cell. */
export interface CellResult {
  impl: ImplId;
  workload: WorkloadId;
  /** Median of the window rates (calls/s, or MiB/s for workload d). */
  value?: number;
  rates?: number[];
  p50Us?: number;
  p99Us?: number;
  /**
   * CPU time (user + system) per operation over the measured windows, in µs: the server's (from
   * /proc) and the client's. Steadier than rates on a loaded machine: they count work, not waiting.
   */
  serverUsPerOp?: number;
  clientUsPerOp?: number;
  /** Server peak RSS in MiB. */
  rssMiB?: number;
  checked?: number;
  /** With `--repeat`: the value of every run (this cell is the median one). */
  runs?: number[];
  /** Why the cell has no figures: a failed check, a crash, or a missing program. */
  error?: string;
  /** Why the cell was not run at all. */
  skipped?: string;
}

const PYTHON_ENV = {
  PYRO_SERIALIZER: "msgpack",
  PYRO_SERIALIZERS_ACCEPTED: "msgpack,serpent,marshal,json",
  // Pyro4's thread server refuses connections beyond its pool (default 40): workloads c and e
  // hold 64 and 50 connections at once.
  PYRO_THREADPOOL_SIZE: "128",
};

interface ServerPlan {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Port given on the command line, or undefined if the server prints `READY <port>`. */
  port?: number;
}

async function planServer(impl: ImplId, workload: WorkloadId, nsStorage = "memory"): Promise<ServerPlan | string> {
  const pythonEnv = { ...process.env, ...PYTHON_ENV };
  if ((workload === "h" || workload === "i") && impl !== "baseline") {
    const port = await freePort();
    if (impl === "python") return { command: PYTHON, args: ["-m", "Pyro4.naming", "-n", "127.0.0.1", "-p", String(port), "-x"], env: pythonEnv, port };
    if (!existsSync(NS_BIN)) return "n/a (name server not built)";
    return { command: process.execPath, args: [NS_BIN, "-n", "127.0.0.1", "-p", String(port), "-s", nsStorage, "-x", "--no-mdns"], port };
  }
  if (impl === "python") return { command: PYTHON, args: [`${PYTHON_DIR}server.py`], env: pythonEnv };
  return { command: process.execPath, args: [`${DIST}server.js`, "--impl", impl] };
}

function clientCommand(impl: ImplId, workload: WorkloadId, port: number, timing: Timing): { command: string; args: string[]; env?: NodeJS.ProcessEnv } {
  const common = [
    "--workload",
    workload,
    "--port",
    String(port),
    "--warmup",
    String(timing.warmupMs),
    "--window",
    String(timing.windowMs),
    "--windows",
    String(timing.windows),
  ];
  if (impl === "python") return { command: PYTHON, args: [`${PYTHON_DIR}client.py`, ...common], env: { ...process.env, ...PYTHON_ENV } };
  return { command: process.execPath, args: [`${DIST}client.js`, "--impl", impl, ...common] };
}

/** The run with the median value (a failed or skipped run wins: it must not be hidden). */
export function medianRun(runs: CellResult[]): CellResult {
  const bad = runs.find((r) => r.error ?? r.skipped);
  if (bad) return bad;
  const sorted = [...runs].sort((x, y) => x.value! - y.value!);
  const chosen = sorted[(sorted.length - 1) >> 1]!;
  return runs.length > 1 ? { ...chosen, runs: runs.map((r) => r.value!) } : chosen;
}

/** Runs one cell; never throws (failures come back in `error`). */
export async function runCell(impl: ImplId, workload: WorkloadId, options: CellOptions): Promise<CellResult> {
  const plan = await planServer(impl, workload, options.nsStorage);
  if (typeof plan === "string") return { impl, workload, skipped: plan };
  const { timing, cpus } = options;
  let server: Spawned | undefined;
  let client: Spawned | undefined;
  try {
    const profile = (side: string) => (options.profileDir ? [`--cpu-prof`, `--cpu-prof-dir=${options.profileDir}/${workload}-${impl}-${side}`] : []);
    const nodeFlags = (command: string, side: string) => (command === process.execPath ? profile(side) : []);
    server = spawnProcess(plan.command, [...nodeFlags(plan.command, "server"), ...plan.args], { cpu: cpus?.server, env: plan.env });
    let port = plan.port;
    if (port === undefined) port = Number((await server.waitForLine(startingWith(READY_PREFIX), 15_000))[1]);
    else await waitForPort(port, 15_000, () => `: ${server!.stderr().trim().slice(-600)}`);

    const cmd = clientCommand(impl, workload, port, timing);
    client = spawnProcess(cmd.command, [...nodeFlags(cmd.command, "client"), ...cmd.args], { cpu: cpus?.client, env: cmd.env });
    const budget = timing.warmupMs + timing.windowMs * timing.windows + 40_000;
    // The server's CPU time over the measured windows only (the client says when they run).
    const clientBefore = Number(await lineAfter(client, MEASURING_PREFIX, budget));
    const serverBefore = cpuSeconds(server.pid);
    const clientAfter = Number(await lineAfter(client, MEASURED_PREFIX, budget));
    const serverAfter = cpuSeconds(server.pid);
    const code = await Promise.race([client.exited.then((exit) => exit.code), new Promise<"late">((resolve) => setTimeout(resolve, budget, "late").unref())]);
    if (code !== 0) throw new Error(code === "late" ? "client ran out of time" : `client failed (exit ${code}): ${client.stderr().trim().slice(-800)}`);
    const line = client.lines.find((l) => l.startsWith(RESULT_PREFIX));
    if (!line) throw new Error(`client printed no result: ${client.stderr().trim().slice(-800)}`);
    const result = JSON.parse(line.slice(RESULT_PREFIX.length)) as ClientResult;
    const rssMiB = await peakRssMiB(server.pid);
    if (rssMiB === undefined) throw new Error(`server exited during the run: ${server.stderr().trim().slice(-800)}`);
    const ops = result.rates.reduce((sum, rate) => sum + (rate * timing.windowMs) / 1000, 0);
    const perOp = (seconds: number | undefined) => (seconds === undefined || ops === 0 ? undefined : (seconds * 1e6) / ops);
    const serverCpu = serverBefore === undefined || serverAfter === undefined ? undefined : serverAfter - serverBefore;
    return {
      impl,
      workload,
      value: median(result.rates),
      rates: result.rates,
      p50Us: result.p50Us,
      p99Us: result.p99Us,
      serverUsPerOp: perOp(serverCpu),
      clientUsPerOp: perOp(clientAfter - clientBefore),
      rssMiB,
      checked: result.checked,
    };
  } catch (error) {
    return { impl, workload, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await client?.stop();
    await server?.stop();
  }
}
