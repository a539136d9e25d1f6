/**
 * Child processes of the run: started (optionally pinned with taskset), read line by line, and
 * stopped by their own pid — never by name.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";

/** A started process. */
export interface Child {
  readonly pid: number;
  readonly lines: string[];
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; waits for the exit. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `command args`, pinned to `cpu` when given (taskset execs, so the pid is the program's). */
export function start(command: string, args: readonly string[], options: { cpu?: string; env?: NodeJS.ProcessEnv } = {}): Child {
  const argv = options.cpu === undefined ? [command, ...args] : ["taskset", "-c", options.cpu, command, ...args];
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), { env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  const lines: string[] = [];
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  createInterface({ input: child.stdout! }).on("line", (line) => lines.push(line));
  child.stdin!.on("error", () => {});
  const exited = new Promise<number | null>((resolve) => {
    child.once("error", (error) => {
      stderr += String(error);
      resolve(null);
    });
    child.once("close", (code) => resolve(code));
  });
  let gone = false;
  void exited.then(() => (gone = true));
  let stopping: Promise<void> | undefined;
  return {
    pid,
    lines,
    stderr: () => stderr,
    exited,
    stop(graceMs = 2000) {
      stopping ??= (async () => {
        if (gone) return;
        child.stdin!.end();
        signal(pid, "SIGTERM");
        const timer = setTimeout(() => signal(pid, "SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** Waits until `child` prints a line starting with `prefix`; returns the rest of that line. */
export async function waitForLine(child: Child, prefix: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => (exited = true));
  for (;;) {
    const line = child.lines.find((l) => l.startsWith(prefix));
    if (line !== undefined) return line.slice(prefix.length);
    if (exited) throw new Error(`exited before printing ${prefix.trim()}: ${child.stderr().trim().slice(-600)}`);
    if (Date.now() > deadline) throw new Error(`no ${prefix.trim()} line within ${timeoutMs} ms: ${child.stderr().trim().slice(-600)}`);
    await sleep(10);
  }
}

/** Waits until something accepts TCP connections on 127.0.0.1:`port`. */
export async function waitForPort(child: Child, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: "127.0.0.1", port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms: ${child.stderr().trim().slice(-600)}`);
    await sleep(20);
  }
}

/** A TCP port that was free a moment ago, for programs that need one given to them. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return address.port;
}

/** Current resident set size of a running process in KiB (`VmRSS` in /proc), if readable. */
export async function rssKiB(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Peak resident set size of a running process in MiB (`VmHWM` in /proc), if readable. */
export async function peakRssMiB(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process so far, or undefined when it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
