/**
 * The Python Pyro4 side of interop suites: finds the Debian `/usr/bin/python3` with Pyro4 and
 * msgpack, skips suites (one visible line) when it is missing, or fails them under
 * `REQUIRE_INTEROP=1`, and runs the scripts in `test/interop/python/`.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type Spawned, runProcess, spawnProcess } from "./process.js";

/** The Python that has Debian's `python3-pyro4` and `python3-msgpack` (not a pyenv shim). */
export const PYTHON = process.env.PYROTS_PYTHON ?? "/usr/bin/python3";

/** Where the interop Python scripts live (source tree; compiled tests run from `test/dist`). */
export const PYTHON_SCRIPTS = fileURLToPath(new URL("../../interop/python/", import.meta.url));

/**
 * The serializers every interop suite runs with. serpent is Pyro4's default, so the Python
 * processes of serpent suites run at Pyro4's defaults: no `PYRO_*` variables at all (see
 * {@link pythonEnvFor}).
 */
export const SERIALIZERS = ["msgpack", "json", "serpent"] as const;
export type SerializerName = (typeof SERIALIZERS)[number];

/** A suite title's serializer part: `msgpack`, `json`, or `serpent: Python at its defaults`. */
export function serializerLabel(serializer: SerializerName): string {
  return serializer === "serpent" ? "serpent: Python at its defaults, no PYRO_* settings" : serializer;
}

const INSTALL_HINT = "apt-get install python3-pyro4 python3-msgpack";

let probe: { ok: true; version: string } | { ok: false; reason: string } | undefined;
let announced = false;

/** Whether `PYTHON` can import Pyro4 and msgpack (probed once per process). */
export function pythonPyro4(): { ok: true; version: string } | { ok: false; reason: string } {
  if (probe) return probe;
  const run = spawnSync(PYTHON, ["-c", "import Pyro4, msgpack; print(Pyro4.__version__)"], { env: pythonEnv({}), encoding: "utf8", timeout: 15_000 });
  if (run.error) probe = { ok: false, reason: `${PYTHON}: ${run.error.message}` };
  else if (run.status !== 0) probe = { ok: false, reason: `${PYTHON}: ${run.stderr.trim().split("\n").pop()}` };
  else probe = { ok: true, version: run.stdout.trim() };
  return probe;
}

/**
 * For a `before` hook: skips the suite when Python Pyro4 is missing (saying so once per run), or
 * fails it when `REQUIRE_INTEROP=1`.
 */
export function requirePython(context: Mocha.Context): void {
  const status = pythonPyro4();
  if (status.ok) return;
  if (process.env.REQUIRE_INTEROP === "1") {
    throw new Error(`interop: Python Pyro4 is required (REQUIRE_INTEROP=1) but not usable: ${status.reason} (${INSTALL_HINT})`);
  }
  if (!announced) {
    announced = true;
    console.log(`interop: Python Pyro4 not found (${INSTALL_HINT}) — skipping`);
  }
  context.skip();
}

/** `describe` whose tests are skipped (or failed, see {@link requirePython}) without Python Pyro4. */
export function describeInterop(title: string, fn: (this: Mocha.Suite) => void): Mocha.Suite {
  return describe(title, function () {
    before(function () {
      requirePython(this);
    });
    fn.call(this);
  });
}

/**
 * The environment for a Python Pyro4 process: ours minus any `PYRO_*`/`PYTHON*` settings, plus
 * msgpack accepted by daemons, unbuffered output and `extra`.
 */
export function pythonEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("PYRO_") && !key.startsWith("PYTHON")) env[key] = value;
  }
  return {
    ...env,
    PYTHONUNBUFFERED: "1",
    PYTHONDONTWRITEBYTECODE: "1",
    PYRO_SERIALIZERS_ACCEPTED: "serpent,json,marshal,msgpack",
    ...extra,
  };
}

/**
 * The environment for a Python Pyro4 process of Pyro4's own defaults: ours minus every
 * `PYRO_*`/`PYTHON*` setting, plus unbuffered output.
 */
export function pythonDefaultEnv(): NodeJS.ProcessEnv {
  const env = pythonEnv({});
  for (const key of Object.keys(env)) if (key.startsWith("PYRO_")) delete env[key];
  return env;
}

/**
 * The environment for a Python client or daemon using `serializer`: msgpack and json are set with
 * `PYRO_SERIALIZER` (daemons accept them through {@link pythonEnv}); serpent, Pyro4's default,
 * runs at the defaults ({@link pythonDefaultEnv}). `extra` is added either way.
 */
export function pythonEnvFor(serializer: SerializerName, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  if (serializer === "serpent") return { ...pythonDefaultEnv(), ...extra };
  return pythonEnv({ PYRO_SERIALIZER: serializer, ...extra });
}

/** A Python Pyro4 daemon started from a script in `test/interop/python/`. */
export interface PythonDaemon {
  /** Object URIs by name, as printed by the server (`uri: NAME PYRO:...`). */
  readonly uris: Readonly<Record<string, string>>;
  readonly process: Spawned;
  stop(): Promise<void>;
}

/**
 * Starts a daemon script from `test/interop/python/` (default `server.py`) with the environment
 * of {@link pythonEnvFor} plus `extra`, and waits until it has printed its URIs
 * (`uri: NAME PYRO:...`) and `ready`.
 */
export async function startPythonDaemon(serializer: SerializerName, script = "server.py", extra: Record<string, string> = {}): Promise<PythonDaemon> {
  const proc = spawnProcess(PYTHON, [PYTHON_SCRIPTS + script], { env: pythonEnvFor(serializer, extra) });
  try {
    await proc.waitForLine(/^ready$/, 15_000);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  const uris: Record<string, string> = {};
  for (const line of proc.lines) {
    const match = /^uri: (\S+) (PYRO:\S+)$/.exec(line);
    if (match) uris[match[1]!] = match[2]!;
  }
  return { uris, process: proc, stop: () => proc.stop() };
}

/**
 * Runs `test/interop/python/<script>` as a client using `serializer` (see {@link pythonEnvFor};
 * msgpack and json clients get a 10 s PYRO_COMMTIMEOUT, serpent ones none, as by default) to
 * completion, and parses its last stdout line as JSON.
 */
export async function runPythonJson<T = unknown>(
  script: string,
  args: readonly string[],
  serializer: SerializerName,
  extra: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<T> {
  const env = pythonEnvFor(serializer, serializer === "serpent" ? extra : { PYRO_COMMTIMEOUT: "10", ...extra });
  const result = await runProcess(PYTHON, [PYTHON_SCRIPTS + script, ...args], { env, timeoutMs });
  const last = result.stdout.trim().split("\n").pop() ?? "";
  if (result.code !== 0 || !last.startsWith("{")) {
    throw new Error(`${script} failed (code ${result.code}, signal ${result.signal}); stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
  return JSON.parse(last) as T;
}
