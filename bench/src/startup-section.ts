/**
 * Section (m) of the bench: start-up. (1) A daemon with one object: from starting its process to
 * the first call it answers (the bench probes its port every 2 ms with a fresh proxy; the bench
 * daemons of pyrots and Python Pyro4). (2) A client: from starting its process to its exit after
 * one call through `PYRONAME:` on a loopback pyrots name server (`pyro-ns`), the lookup included;
 * the pyrots client, and a Python Pyro4 client doing the same. Medians of {@link STARTUP_RUNS}.
 */
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { Proxy, release } from "@pyrots/core";
import { NS_BIN, PYTHON } from "./cell.js";
import { READY_PREFIX } from "./contract.js";
import { median } from "./driver.js";
import { type Spawned, freePort, spawnProcess, waitForPort } from "@pyrots/test-support";
import { lineAfter } from "./spawn.js";

const DIST = fileURLToPath(new URL("./", import.meta.url));
const PYTHON_DIR = fileURLToPath(new URL("../python/", import.meta.url));

/** Runs per figure. */
export const STARTUP_RUNS = 5;
/** Longest one start-up may take. */
const LIMIT_MS = 30_000;
/** The Python client of part 2. */
const PYTHON_CLIENT = "import sys, Pyro4\nif Pyro4.Proxy(sys.argv[1]).add(1, 1) != 2: sys.exit('wrong sum')\nprint('DONE')";

/** Medians in ms (undefined with an error). */
export interface StartupFigures {
  pyrotsDaemonMs?: number;
  pythonDaemonMs?: number;
  pyrotsClientMs?: number;
  /** The pyrots client's own clock at its answer (ms since its process started). */
  pyrotsClientInProcessMs?: number;
  pythonClientMs?: number;
  error?: string;
}

/** Start to first answered call of one daemon process. */
async function daemonStartup(impl: "pyrots" | "python", cpu: string | undefined): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const daemon =
    impl === "pyrots"
      ? spawnProcess(process.execPath, [`${DIST}server.js`, "--impl", "pyrots", "--port", String(port)], { cpu })
      : spawnProcess(PYTHON, [`${PYTHON_DIR}server.py`], { cpu, env: { ...process.env, BENCH_PORT: String(port) } });
  try {
    for (;;) {
      const proxy = new Proxy<{ add(a: number, b: number): number }>(`PYRO:bench@127.0.0.1:${port}`, { timeout: 5 });
      try {
        if ((await proxy.add(1, 1)) !== 2) throw new Error("add(1, 1) is wrong");
        return performance.now() - started;
      } catch (error) {
        if (error instanceof Error && error.message === "add(1, 1) is wrong") throw error;
        if (performance.now() - started > LIMIT_MS)
          throw new Error(`${impl} daemon did not answer within ${LIMIT_MS} ms: ${daemon.stderr().trim().slice(-400)}`);
        await sleep(2);
      } finally {
        release(proxy);
      }
    }
  } finally {
    await daemon.stop();
  }
}

/** Start to exit of one client process making one call to `uri`; with the pyrots client's own figure. */
async function clientStartup(impl: "pyrots" | "python", uri: string, cpu: string | undefined): Promise<{ ms: number; inProcess?: number }> {
  const started = performance.now();
  const client =
    impl === "pyrots" ? spawnProcess(process.execPath, [`${DIST}startup-client.js`, uri], { cpu }) : spawnProcess(PYTHON, ["-c", PYTHON_CLIENT, uri], { cpu });
  const code = await Promise.race([client.exited.then((exit) => exit.code), sleep(LIMIT_MS, "late" as const, { ref: false })]);
  const ms = performance.now() - started;
  if (code !== 0) {
    await client.stop();
    throw new Error(`${impl} client ${code === "late" ? "ran out of time" : `failed (exit ${code})`}: ${client.stderr().trim().slice(-400)}`);
  }
  const done = client.lines.find((l) => l.startsWith("DONE"));
  return { ms, inProcess: done && done.length > 5 ? Number(done.slice(5)) : undefined };
}

/** Runs section (m); `report` hears each figure. */
export async function runStartupSection(cpus: { server: string; client: string } | undefined, report: (line: string) => void): Promise<StartupFigures> {
  const figures: StartupFigures = {};
  let ns: Spawned | undefined;
  let daemon: Spawned | undefined;
  try {
    for (const impl of ["pyrots", "python"] as const) {
      const runs: number[] = [];
      for (let k = 0; k < STARTUP_RUNS; k++) runs.push(await daemonStartup(impl, cpus?.server));
      figures[impl === "pyrots" ? "pyrotsDaemonMs" : "pythonDaemonMs"] = median(runs);
      report(`  (m) ${impl} daemon start to first answer: ${runs.map((r) => r.toFixed(0)).join(", ")} ms`);
    }
    const nsPort = await freePort();
    ns = spawnProcess(process.execPath, [NS_BIN, "-n", "127.0.0.1", "-p", String(nsPort), "-x", "--no-mdns"], { cpu: cpus?.server });
    await waitForPort(nsPort, 15_000, () => `: ${ns!.stderr().trim().slice(-600)}`);
    daemon = spawnProcess(process.execPath, [`${DIST}server.js`, "--impl", "pyrots"], { cpu: cpus?.server });
    const port = await lineAfter(daemon, READY_PREFIX, 15_000);
    const nameServer = new Proxy(`PYRO:Pyro.NameServer@127.0.0.1:${nsPort}`);
    await nameServer.register("bench.startup", `PYRO:bench@127.0.0.1:${port}`);
    release(nameServer);
    const uri = `PYRONAME:bench.startup@127.0.0.1:${nsPort}`;
    for (const impl of ["pyrots", "python"] as const) {
      const runs: { ms: number; inProcess?: number }[] = [];
      for (let k = 0; k < STARTUP_RUNS; k++) runs.push(await clientStartup(impl, uri, cpus?.client));
      if (impl === "pyrots") {
        figures.pyrotsClientMs = median(runs.map((r) => r.ms));
        figures.pyrotsClientInProcessMs = median(runs.map((r) => r.inProcess ?? NaN));
      } else {
        figures.pythonClientMs = median(runs.map((r) => r.ms));
      }
      report(`  (m) ${impl} client start to exit after a PYRONAME: call: ${runs.map((r) => r.ms.toFixed(0)).join(", ")} ms`);
    }
  } catch (error) {
    figures.error = error instanceof Error ? error.message : String(error);
  } finally {
    await daemon?.stop();
    await ns?.stop();
  }
  return figures;
}

/** The section's table. */
export function formatStartupTable(figures: StartupFigures): string {
  const ms = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? "-" : `${value.toFixed(0)} ms`);
  const lines = [
    `daemon, process start → first answered call:  pyrots ${ms(figures.pyrotsDaemonMs)}, Python Pyro4 ${ms(figures.pythonDaemonMs)}`,
    `client, process start → exit after one PYRONAME: call:  pyrots ${ms(figures.pyrotsClientMs)} (${ms(figures.pyrotsClientInProcessMs)} by its own clock at the answer), Python Pyro4 ${ms(figures.pythonClientMs)}`,
  ];
  if (figures.error) lines.push(`FAILED: ${figures.error}`);
  return lines.join("\n");
}
