/**
 * Child processes for cross-process suites: spawn one, wait for a line on its stdout, run one to
 * completion, and stop exactly the process that was started (by its pid, never by name).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** How to start a child process. */
export interface SpawnOptions {
  /** Full environment of the child (nothing else is inherited). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** A running child process with its output collected. */
export interface Spawned {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Every stdout line so far. */
  readonly lines: readonly string[];
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the first stdout line (past or future) matching `pattern`; rejects on exit or timeout. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops the process (SIGTERM, then SIGKILL after `graceMs`) and waits for it. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

interface LineWaiter {
  pattern: RegExp;
  resolve: (match: RegExpMatchArray) => void;
  reject: (error: Error) => void;
}

/** Starts `command args`; stdin stays open as a pipe so that a child can watch for our exit. */
export function spawnProcess(command: string, args: readonly string[], options: SpawnOptions = {}): Spawned {
  const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  const lines: string[] = [];
  let stderrText = "";
  let waiters: LineWaiter[] = [];
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const describeExit = () => `${command} exited (code ${exitInfo?.code}, signal ${exitInfo?.signal}); stderr:\n${stderrText}`;

  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderrText += chunk));
  createInterface({ input: child.stdout! }).on("line", (line) => {
    lines.push(line);
    waiters = waiters.filter((w) => {
      const match = line.match(w.pattern);
      if (match) w.resolve(match);
      return !match;
    });
  });
  // A write to a child that has gone away must not crash the test process.
  child.stdin!.on("error", () => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
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
    for (const w of waiters) w.reject(new Error(`waiting for ${w.pattern}: ${describeExit()}`));
    waiters = [];
    return info;
  });

  let stopping: Promise<void> | undefined;
  return {
    child,
    pid,
    lines,
    stderr: () => stderrText,
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
        if (exitInfo) return;
        child.stdin!.end();
        signalPid(pid, "SIGTERM");
        const timer = setTimeout(() => signalPid(pid, "SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
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
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, killing it (by pid) if it takes longer than `timeoutMs`. */
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
  return { code, signal, stdout: proc.lines.join("\n"), stderr: proc.stderr() };
}
