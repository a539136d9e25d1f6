/**
 * What the table is measured on: date, CPU, cores, load, and the versions compared.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";

/** The machine and software of one run. */
export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  /** 1-minute load average when the run started: other work on the machine skews figures. */
  load1: number;
  node: string;
  python: string;
  pyro4: string;
  /** Whether `taskset` is available to pin processes. */
  taskset: boolean;
}

/** Collects {@link MachineInfo}; `python` is the interpreter with Pyro4. */
export function machineInfo(python: string): MachineInfo {
  let cpu = "unknown";
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? cpu;
  } catch {
    // Not Linux: keep "unknown".
  }
  const run = (command: string, args: string[]) => {
    try {
      return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 10_000 }).trim();
    } catch {
      return "";
    }
  };
  return {
    date: new Date().toISOString(),
    cpu,
    cores: availableParallelism(),
    load1: Math.round(loadavg()[0]! * 100) / 100,
    node: process.version,
    python: run(python, ["-c", "import platform; print(platform.python_version())"]) || "missing",
    pyro4: run(python, ["-c", "import Pyro4, msgpack; print(Pyro4.__version__)"]) || "missing",
    taskset: run("taskset", ["-c", "0", "echo", "pinned"]) === "pinned",
  };
}
