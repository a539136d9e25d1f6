/**
 * Child processes for the CLI and interop suites: start one, wait for a stdout line, run one to
 * completion, and stop exactly the process started here (by its pid, never by name).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** `nameserver/dist/bin/` — the compiled command-line tools. */
export const BIN_DIR = fileURLToPath(new URL("../../dist/bin/", import.meta.url));

/** A running child process and its collected output. */
export interface Child {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** Everything on stderr so far. */
  stderr(): string;
  /** The first stdout line (past or future) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Exit code and signal once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (SIGKILL after `graceMs`), then wait for the exit. Idempotent. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The environment for children: ours without any `PYRO_*`/`PYTHON*` items, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("PYRO_") && !key.startsWith("PYTHON")) env[key] = value;
  return { ...env, ...extra };
}

/** Starts `command args` with a clean environment plus `env`. */
export function start(command: string, args: readonly string[], env: Record<string, string> = {}): Child {
  const child = spawn(command, args, { env: cleanEnv(env), stdio: ["pipe", "pipe", "pipe"] });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const lines: string[] = [];
  let stderr = "";
  let waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  child.stdin!.on("error", () => {});
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  createInterface({ input: child.stdout! }).on("line", (line) => {
    lines.push(line);
    waiters = waiters.filter((w) => {
      const match = line.match(w.pattern);
      if (match) w.resolve(match);
      return !match;
    });
  });
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("error", (error) => {
      stderr += String(error);
      resolve((exitInfo = { code: null, signal: null }));
    });
    child.once("close", (code, signal) => resolve((exitInfo = { code, signal })));
  });
  const describe = () => `${command} ${args.join(" ")}\nstdout:\n${lines.join("\n")}\nstderr:\n${stderr}`;
  let stopping: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  return {
    child,
    pid: child.pid,
    lines,
    stderr: () => stderr,
    exited,
    waitForLine(pattern, timeoutMs = 10_000) {
      const seen = lines.map((l) => l.match(pattern)).find((m) => m);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms: ${describe()}`)), timeoutMs);
        const waiter = { pattern, resolve: (m: RegExpMatchArray) => (clearTimeout(timer), resolve(m)) };
        waiters.push(waiter);
        void exited.then(() => {
          clearTimeout(timer);
          if (waiters.includes(waiter)) reject(new Error(`exited before printing ${pattern}: ${describe()}`));
        });
      });
    },
    stop(graceMs = 3000) {
      stopping ??= (async () => {
        if (!exitInfo) {
          signal(child.pid!, "SIGTERM");
          const timer = setTimeout(() => signal(child.pid!, "SIGKILL"), graceMs);
          await exited;
          clearTimeout(timer);
        }
        return exited;
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

/** The outcome of {@link run}. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (killing it by pid after `timeoutMs`). */
export async function run(
  command: string,
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  const child = start(command, args, options.env);
  if (options.input !== undefined) child.child.stdin!.write(options.input);
  child.child.stdin!.end();
  const timer = setTimeout(() => void child.stop(), options.timeoutMs ?? 30_000);
  const { code } = await child.exited;
  clearTimeout(timer);
  return { code, stdout: child.lines.join("\n") + (child.lines.length ? "\n" : ""), stderr: child.stderr() };
}

/** Runs one of our bins (`ns`, `nsc`, `echoserver`) with node. */
export function runBin(
  bin: string,
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return run(process.execPath, [BIN_DIR + `${bin}.js`, ...args], options);
}

/** Starts one of our bins with node. */
export function startBin(bin: string, args: readonly string[], env: Record<string, string> = {}): Child {
  return start(process.execPath, [BIN_DIR + `${bin}.js`, ...args], env);
}
