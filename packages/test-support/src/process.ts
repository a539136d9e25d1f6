/**
 * Child processes for the suites, the bench and the examples: start one, wait for a line on its
 * stdout, run one to completion, and stop exactly the process that was started (by its pid,
 * never by name).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** How to start a child process. */
export interface SpawnOptions {
  /** Full environment of the child (default: ours). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Pins the child to these CPUs (`taskset -c`; taskset execs, so the pid is the program's). */
  cpu?: string;
  /** Where the child's stderr goes: collected (default) or shown on ours. */
  stderr?: "collect" | "inherit";
}

/** How a child process ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running child process with its output collected. */
export interface Spawned {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Every stdout line so far. */
  readonly lines: readonly string[];
  /** Everything written to stderr so far (empty when it is inherited). */
  stderr(): string;
  /** Calls `listener` with every stdout line from now on. */
  onLine(listener: (line: string) => void): void;
  /** Resolves with the first stdout line (past or future) matching `pattern`; rejects on exit or timeout. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ExitInfo>;
  /** Stops the process (SIGTERM, then SIGKILL after `graceMs`) and waits for it. Idempotent. */
  stop(graceMs?: number): Promise<ExitInfo>;
}

interface LineWaiter {
  pattern: RegExp;
  resolve: (match: RegExpMatchArray) => void;
  reject: (error: Error) => void;
}

/** Children started here and still running, by pid. */
const running = new Set<number>();

/**
 * Kills the children still running when this process exits: a test process ended early (mocha's
 * forced exit, a failed `before`) must not leave daemons behind. Our own programs watch their
 * stdin for that too; Python's and other programs do not.
 */
function killRunningOnExit(): void {
  for (const pid of running) signalPid(pid, "SIGKILL");
}

/** Starts `command args`; stdin stays open as a pipe so that a child can watch for our exit. */
export function spawnProcess(command: string, args: readonly string[], options: SpawnOptions = {}): Spawned {
  const argv = options.cpu === undefined ? [command, ...args] : ["taskset", "-c", options.cpu, command, ...args];
  const stdio = ["pipe", "pipe", options.stderr === "inherit" ? "inherit" : "pipe"] as const;
  const child = spawn(argv[0]!, argv.slice(1), { env: options.env ?? process.env, cwd: options.cwd, stdio: [...stdio] });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  if (running.size === 0) process.once("exit", killRunningOnExit);
  running.add(pid);
  const lines: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  let stderrText = "";
  let waiters: LineWaiter[] = [];
  let exitInfo: ExitInfo | undefined;
  const describeExit = () => `${command} exited (code ${exitInfo?.code}, signal ${exitInfo?.signal}); stderr:\n${stderrText}`;

  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderrText += chunk));
  createInterface({ input: child.stdout! }).on("line", (line) => {
    lines.push(line);
    for (const listener of listeners) listener(line);
    waiters = waiters.filter((w) => {
      const match = line.match(w.pattern);
      if (match) w.resolve(match);
      return !match;
    });
  });
  // A write to a child that has gone away must not crash the test process.
  child.stdin!.on("error", () => {});
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("error", (error) => {
      stderrText += String(error);
      exitInfo = { code: null, signal: null };
      resolve(exitInfo);
    });
    child.once("close", (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  }).then((info) => {
    running.delete(pid);
    if (running.size === 0) process.off("exit", killRunningOnExit);
    for (const w of waiters) w.reject(new Error(`waiting for ${w.pattern}: ${describeExit()}`));
    waiters = [];
    return info;
  });

  let stopping: Promise<ExitInfo> | undefined;
  return {
    child,
    pid,
    lines,
    stderr: () => stderrText,
    onLine: (listener) => void listeners.push(listener),
    exited,
    waitForLine(pattern, timeoutMs = 10_000) {
      for (const line of lines) {
        const match = line.match(pattern);
        if (match) return Promise.resolve(match);
      }
      if (exitInfo) return Promise.reject(new Error(`waiting for ${pattern}: ${describeExit()}`));
      return new Promise<RegExpMatchArray>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          reject(new Error(`no line matching ${pattern} from ${command} within ${timeoutMs} ms; stdout:\n${lines.join("\n")}\nstderr:\n${stderrText}`));
        }, timeoutMs);
        const waiter: LineWaiter = {
          pattern,
          resolve: (m) => (clearTimeout(timer), resolve(m)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        };
        waiters.push(waiter);
      });
    },
    stop(graceMs = 3_000) {
      stopping ??= (async () => {
        if (exitInfo) return exitInfo;
        child.stdin!.end();
        signalPid(pid, "SIGTERM");
        const timer = setTimeout(() => signalPid(pid, "SIGKILL"), graceMs);
        const info = await exited;
        clearTimeout(timer);
        return info;
      })();
      return stopping;
    },
  };
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** The outcome of {@link runProcess}. */
export interface RunResult extends ExitInfo {
  /** The stdout lines, each ended by `\n`. */
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion, with `input` on its stdin. Past `timeoutMs` it is stopped (by
 * pid) and the promise rejects, saying so.
 */
export async function runProcess(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { timeoutMs?: number; input?: string } = {},
): Promise<RunResult> {
  const proc = spawnProcess(command, args, options);
  if (options.input !== undefined) proc.child.stdin!.write(options.input);
  proc.child.stdin!.end();
  const timeoutMs = options.timeoutMs ?? 30_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void proc.stop();
  }, timeoutMs);
  const { code, signal } = await proc.exited;
  clearTimeout(timer);
  if (timedOut) throw new Error(`${command} ${args.join(" ")} did not finish within ${timeoutMs} ms; stderr:\n${proc.stderr()}`);
  return { code, signal, stdout: proc.lines.map((line) => line + "\n").join(""), stderr: proc.stderr() };
}

/** Our environment without any `PYRO_*`/`PYTHON*` items, plus `extra`: what a child should start from. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("PYRO_") && !key.startsWith("PYTHON")) env[key] = value;
  return { ...env, ...extra };
}
