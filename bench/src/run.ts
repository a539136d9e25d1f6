#!/usr/bin/env node
/**
 * `npm run bench`: every workload × implementation as a fresh server/client pair, then the table
 * (also as JSON). See ../README.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { type CellOptions, type CellResult, PYTHON, medianRun, runCell } from "./cell.js";
import type { ImplId } from "./contract.js";
import { machineInfo } from "./machine.js";
import { type StorageRow, formatStorageTable, runStorageSection } from "./ns-storages.js";
import { type PoolSection, formatPoolSection, runPoolSection } from "./pool/section.js";
import { USAGE, UsageError, parseOptions } from "./options.js";
import { type IterateCell, formatIterateTable, runIterateSection } from "./iterate-section.js";
import { type IdleCell, formatIdleTable, runIdleSection } from "./idle-section.js";
import { type NsScaleCell, formatNsScaleTable, runNsScaleSection } from "./ns-scale-section.js";
import { type StartupFigures, formatStartupTable, runStartupSection } from "./startup-section.js";
import { type PythonCell, formatPythonTable, runPythonSection } from "./python-section.js";
import { buildRows, formatTable } from "./table.js";
import { WORKLOADS } from "./workloads.js";

const DEFAULT_JSON = fileURLToPath(new URL("../results/latest.json", import.meta.url));

async function main(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const machine = machineInfo(PYTHON);
  const pinned = machine.taskset && machine.cores >= 1;
  const clientCpu = options.sameCpu || machine.cores < 2 ? "0" : "1";
  const pinning = !pinned ? "unpinned (taskset not available)" : clientCpu === "0" ? "server and client on CPU 0" : "server on CPU 0, client on CPU 1";
  console.error(`pyrots bench: ${machine.cpu}, ${machine.cores} cores, load ${machine.load1}; ${pinning}; workload b always on CPU 0`);
  console.error(
    `timing per cell: ${options.timing.warmupMs} ms warm-up, ${options.timing.windows} × ${options.timing.windowMs} ms windows (median)${options.repeat > 1 ? `, median of ${options.repeat} runs` : ""}`,
  );

  const cells: CellResult[] = [];
  for (const workload of options.workloads) {
    const cpuForClient = workload === "b" ? "0" : clientCpu;
    const cellOptions: CellOptions = {
      timing: options.timing,
      profileDir: options.profileDir,
      cpus: pinned ? { server: "0", client: cpuForClient } : undefined,
    };
    const runs = new Map<ImplId, CellResult[]>();
    // Rounds alternate the implementations so that a burst of load elsewhere hits them alike.
    for (let round = 0; round < options.repeat; round++) {
      for (const impl of options.impls) {
        const cell = await runCell(impl, workload, cellOptions);
        runs.set(impl, [...(runs.get(impl) ?? []), cell]);
        console.error(`  ${WORKLOADS[workload].title} ${impl}: ${describe(cell, WORKLOADS[workload].metric)}`);
      }
    }
    for (const impl of options.impls) cells.push(medianRun(runs.get(impl)!));
  }

  let storageRows: StorageRow[] = [];
  if (options.storages) {
    const cpus = pinned ? { server: "0", client: clientCpu } : undefined;
    storageRows = await runStorageSection({ timing: options.timing, profileDir: options.profileDir, cpus }, options.repeat, (line) => console.error(line));
  }

  let pythonCells: PythonCell[] = [];
  if (options.pythonClients) {
    const cpus = pinned ? { server: "0", client: clientCpu } : undefined;
    pythonCells = await runPythonSection(options.timing, cpus, options.repeat, (line) => console.error(line));
  }

  let pools: PoolSection | undefined;
  if (options.pools) {
    const cpus = pinned && clientCpu !== "0" ? { server: "0", client: clientCpu } : undefined;
    pools = await runPoolSection({ timing: options.timing, repeat: options.repeat, cpus }, (line) => console.error(line));
  }
  const sectionCpus = pinned ? { server: "0", client: clientCpu } : undefined;
  const report = (line: string) => console.error(line);
  const iterate: IterateCell[] = options.sections.includes("j") ? await runIterateSection(sectionCpus, options.repeat, report) : [];
  const idle: IdleCell[] = options.sections.includes("k") ? await runIdleSection(sectionCpus, report) : [];
  const nsScale: NsScaleCell[] = options.sections.includes("l") ? await runNsScaleSection(sectionCpus, report) : [];
  const startup: StartupFigures | undefined = options.sections.includes("m") ? await runStartupSection(sectionCpus, report) : undefined;

  const rows = buildRows(cells, options.workloads);
  const table = formatTable(rows);
  console.log(`\npyrots bench, ${machine.date}`);
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, load ${machine.load1} at start; Node ${machine.node}, Python ${machine.python}, Pyro4 ${machine.pyro4} (msgpack)`,
  );
  const repeated = options.repeat > 1 ? `; median of ${options.repeat} runs per cell` : "";
  console.log(`${pinning}; ${options.timing.warmupMs} ms warm-up, median of ${options.timing.windows} × ${options.timing.windowMs} ms windows${repeated}\n`);
  if (options.workloads.length > 0) console.log(table);
  if (options.storages)
    console.log(`\n(s) the pyrots name server on each storage (workloads h and i; etcd: 3 members on loopback)\n${formatStorageTable(storageRows)}`);

  if (options.pythonClients) {
    console.log(
      `\n(p) unmodified Python clients calling add(i, 1) sequentially (workload a), Pyro4 (protocol 48) and Pyro5 (502); CPU = user+system time over the measured windows, per call and as a share of one core (client: the one calling pyrots)\n${formatPythonTable(pythonCells)}`,
    );
  }

  if (pools) console.log(`\n(w) pool proxies: overhead over a plain proxy (one worker), and a CPU task over 1, 2 and 4 workers\n${formatPoolSection(pools)}`);
  if (iterate.length > 0) console.log(`\n(j) remote iterator: items/s of a generator of 100,000 small items\n${formatIterateTable(iterate)}`);
  if (idle.length > 0) console.log(`\n(k) memory per idle connection: daemon RSS growth over its RSS at 1 connection\n${formatIdleTable(idle)}`);
  if (nsScale.length > 0)
    console.log(
      `\n(l) the name server at 1,000 and 100,000 names (searches answer 10 names; Pyro4's tag search is list(metadata_all))\n${formatNsScaleTable(nsScale)}`,
    );
  if (startup) console.log(`\n(m) start-up (medians of 5)\n${formatStartupTable(startup)}`);

  const jsonPath = options.json ?? DEFAULT_JSON;
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(
    jsonPath,
    JSON.stringify(
      { machine, pinning, options, cells, rows, storages: storageRows, pythonClients: pythonCells, pools, iterate, idle, nsScale, startup },
      null,
      2,
    ) + "\n",
  );
  console.log(`\nJSON: ${jsonPath}`);
  const storageFailed = storageRows.some((row) => [row.lookup, row.register].some((cell) => "error" in cell && cell.error));
  const poolsFailed = pools !== undefined && JSON.stringify(pools).includes('"error"');
  const sectionFailed = [...iterate, ...idle, ...nsScale].some((c) => c.error) || startup?.error !== undefined;
  return cells.some((c) => c.error) || storageFailed || pythonCells.some((c) => c.error) || poolsFailed || sectionFailed ? 1 : 0;
}

function describe(cell: CellResult, metric: string): string {
  if (cell.skipped) return cell.skipped;
  if (cell.error) return `FAILED: ${cell.error}`;
  const cpu = (us: number | undefined) => (us === undefined ? "?" : us.toFixed(1));
  return `${Math.round(cell.value!).toLocaleString("en-US")} ${metric}, CPU µs/op server ${cpu(cell.serverUsPerOp)} client ${cpu(cell.clientUsPerOp)}, peak RSS ${cell.rssMiB?.toFixed(1)} MiB, ${cell.checked} results checked`;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof UsageError ? `${error.message}\n\n${USAGE}` : error);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
