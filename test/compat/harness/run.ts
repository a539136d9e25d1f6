/**
 * Runs one scenario in one variant: a fresh copy of the example, an island namespace, the
 * programs its `play` starts (Python or pyrots per side), and everything they printed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PYTHON, pythonDefaultEnv } from "../../support/python.js";
import { type Spawned, runProcess, spawnProcess } from "@pyrots/test-support";
import { type Island, makeIsland } from "./island.js";
import { type PlayContext, type Program, type Scenario, type StartOptions, type Variant, implementationOf } from "./scenario.js";
import { copyExample, makeExampleCertificates } from "./source.js";

/** The repository's root (compiled harness files live in `test/dist/compat/harness/`). */
const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
/** Where the ports are built. */
export const PORTS_DIST = join(ROOT, "examples/pyro4-ports/dist");
const BINS = join(ROOT, "nameserver/dist/bin");

/** The script of a pyrots command (the name server package's, or the web package's gateway). */
function binScript(bin: string): string {
  return bin === "httpgateway" ? join(ROOT, "packages/web/dist/bin/httpgateway.js") : join(BINS, `${bin}.js`);
}

/** What one program printed. */
export interface ProgramOutput {
  /** Role, plus `:instance` when given. */
  readonly key: string;
  readonly role: string;
  readonly implementation: "python" | "pyrots";
  readonly stdout: string;
  readonly stderr: string;
  /** Exit code when it ended by itself; undefined when the scenario (or the end of the run) stopped it. */
  readonly code: number | null | undefined;
}

/** The outcome of one run. */
export interface RunResult {
  readonly scenario: string;
  readonly variant: Variant;
  readonly outputs: ReadonlyMap<string, ProgramOutput>;
  /** Why the play failed (a program that did not get ready, a timeout), if it did. */
  readonly failure: string | undefined;
  readonly seconds: number;
}

interface Started {
  key: string;
  role: string;
  implementation: "python" | "pyrots";
  process: Spawned;
  stoppedByUs: boolean;
}

/** Environment of every program: ours without `PYRO_*`/`PYTHON*` settings (Pyro4's defaults), output unbuffered. */
function baseEnv(): NodeJS.ProcessEnv {
  return pythonDefaultEnv();
}

/** Runs `scenario` in `variant`; never throws (failures are in the result). */
export async function runScenario(scenario: Scenario, variant: Variant, options: { keep?: boolean } = {}): Promise<RunResult> {
  const began = Date.now();
  const root = mkdtempSync(join(tmpdir(), `pyro4-${scenario.folder.replace(/\W/g, "")}-${variant}-`));
  const started: Started[] = [];
  let island: Island | undefined;
  let failure: string | undefined;
  try {
    const dir = copyExample(scenario.folder, root);
    for (const extra of scenario.alsoCopy ?? []) copyExample(extra, root);
    if (scenario.certificates) makeExampleCertificates(root);
    island = await makeIsland();
    const context = playContext(scenario, variant, dir, island.name, started);
    const timeoutMs = scenario.timeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the run did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      await Promise.race([scenario.play(context), deadline]);
    } finally {
      clearTimeout(timer);
    }
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  } finally {
    for (const program of started) if (program.process.child.exitCode === null && program.process.child.signalCode === null) program.stoppedByUs = true;
    await Promise.all(started.map((program) => program.process.stop(2_000)));
    await island?.remove();
    if (!options.keep) rmSync(root, { recursive: true, force: true });
  }
  const outputs = new Map<string, ProgramOutput>();
  for (const program of started) {
    const exit = await program.process.exited;
    outputs.set(program.key, {
      key: program.key,
      role: program.role,
      implementation: program.implementation,
      stdout: program.process.lines.join("\n"),
      stderr: program.process.stderr(),
      code: program.stoppedByUs ? undefined : exit.code,
    });
  }
  return { scenario: scenario.name, variant, outputs, failure, seconds: (Date.now() - began) / 1000 };
}

function playContext(scenario: Scenario, variant: Variant, dir: string, namespace: string, started: Started[]): PlayContext {
  const spawnIn = (command: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd: string) =>
    spawnProcess("ip", ["netns", "exec", namespace, command, ...args], { env, cwd });

  const start = async (roleName: string, options: StartOptions = {}): Promise<Program> => {
    const role = scenario.roles[roleName];
    if (!role) throw new Error(`scenario ${scenario.name} has no role ${roleName}`);
    const implementation = implementationOf(variant, role.side);
    const key = options.instance ? `${roleName}:${options.instance}` : roleName;
    if (started.some((s) => s.key === key && s.process.child.exitCode === null && s.process.child.signalCode === null)) {
      throw new Error(`${key} is already running`);
    }
    const cwd = role.cwd ? join(dir, role.cwd) : dir;
    let proc: Spawned;
    if (implementation === "python") {
      proc = spawnIn(PYTHON, [...role.python, ...(options.args ?? [])], baseEnv(), cwd);
    } else {
      if (!role.pyrots) throw new Error(`${scenario.name}: role ${roleName} has no pyrots port`);
      const program = role.pyrots;
      const script = "port" in program ? join(PORTS_DIST, program.port) : binScript(program.bin);
      proc = spawnIn(process.execPath, [script, ...(program.args ?? []), ...(options.args ?? [])], baseEnv(), cwd);
    }
    // A restarted role keeps one output: the earlier process's lines come first.
    const previous = started.findIndex((s) => s.key === key);
    const entry: Started = { key, role: roleName, implementation, process: proc, stoppedByUs: false };
    if (previous >= 0) started.push(mergeRestart(started.splice(previous, 1)[0]!, entry));
    else started.push(entry);
    if (options.input !== undefined) proc.child.stdin!.write(options.input);
    const program = programOf(entry);
    if (options.ready) await program.waitFor(options.ready, options.readyTimeoutMs ?? 20_000);
    return program;
  };

  return {
    variant,
    dir,
    start,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    async waitForName(name, timeoutMs = 20_000) {
      // Asked with Python's Pyro4 whichever side runs the name server: the harness's own question.
      const lookup = "import sys, Pyro4\nPyro4.locateNS('127.0.0.1', 9090).lookup(sys.argv[1])";
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = await runProcess("ip", ["netns", "exec", namespace, PYTHON, "-c", lookup, name], { env: baseEnv(), timeoutMs: 10_000 });
        if (run.code === 0) return;
        if (Date.now() > deadline) throw new Error(`${name} was not registered in the name server within ${timeoutMs} ms: ${run.stderr.trim()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async nameServer() {
      const implementation = implementationOf(variant, "server");
      const proc =
        implementation === "python"
          ? spawnIn(PYTHON, ["-m", "Pyro4.naming", "-n", "127.0.0.1", "-x"], baseEnv(), dir)
          : spawnIn(process.execPath, [join(BINS, "ns.js"), "-n", "127.0.0.1", "-x", "--no-mdns"], baseEnv(), dir);
      started.push({ key: "nameserver", role: "nameserver", implementation, process: proc, stoppedByUs: false });
      await proc.waitForLine(/^NS running on /, 20_000);
    },
  };
}

/** A role started again (a server restarted): one output holding both processes' lines. */
function mergeRestart(earlier: Started, later: Started): Started {
  const lines = [...earlier.process.lines];
  const earlierStderr = earlier.process.stderr();
  const later_ = later.process;
  const merged: Spawned = {
    ...later_,
    get lines() {
      return [...lines, ...later_.lines];
    },
    stderr: () => earlierStderr + later_.stderr(),
  };
  return { ...later, process: merged };
}

function programOf(entry: Started): Program {
  const proc = () => entry.process;
  return {
    key: entry.key,
    waitFor: (pattern, timeoutMs = 20_000) => proc().waitForLine(pattern, timeoutMs),
    async waitForCount(pattern, count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (proc().lines.filter((line) => pattern.test(line)).length < count) {
        if (Date.now() > deadline) throw new Error(`${entry.key}: fewer than ${count} lines matching ${pattern} within ${timeoutMs} ms`);
        const code = proc().child.exitCode;
        if (code !== null || proc().child.signalCode !== null) {
          throw new Error(`${entry.key} exited (code ${code}) before printing ${count} lines matching ${pattern}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    write: (text) => void proc().child.stdin!.write(text),
    endInput: () => void proc().child.stdin!.end(),
    async exited(timeoutMs = 60_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${entry.key} did not exit within ${timeoutMs / 1000} s`)), timeoutMs);
      });
      try {
        return (await Promise.race([proc().exited, timeout])).code;
      } finally {
        clearTimeout(timer);
      }
    },
    async stop() {
      entry.stoppedByUs = true;
      await proc().stop(2_000);
    },
  };
}
