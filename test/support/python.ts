/**
 * The Python side of interop suites: finds the Debian `/usr/bin/python3` with Pyro4 and msgpack
 * (and Pyro5, see {@link PYRO5}), skips suites (one visible line) when it is missing, or fails
 * them under `REQUIRE_INTEROP=1` (`REQUIRE_PYRO5=1` for Pyro5), and runs the scripts in
 * `test/interop/python/`. The scripts are Pyro4 code; on Pyro5 they run unchanged through
 * `python/on_pyro5/Pyro4.py` (Pyro5's own compatibility layer), with no PYRO_* variables.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
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

/** A Python Pyro version the interop suites run against. */
export interface PythonPyro {
  /** `"Pyro4"` or `"Pyro5"`, as in Python's class names (`Pyro4.errors.NamingError`). */
  readonly name: "Pyro4" | "Pyro5";
  /** The protocol version it speaks. */
  readonly protocol: 48 | 502;
  /** Python's class name of its proxy (`Pyro4.core.Proxy`, `Pyro5.client.Proxy`). */
  readonly proxyClass: string;
  /** The module of its client classes (`Pyro4.core`, `Pyro5.client`): `_StreamResultIterator` lives there. */
  readonly clientModule: string;
  /** Its name for one of its errors: `errors("NamingError")` is `Pyro4.errors.NamingError` or `Pyro5.errors.NamingError`. */
  errors(name: string): string;
}

/** Debian's Python Pyro4 4.82. */
export const PYRO4: PythonPyro = Object.freeze({
  name: "Pyro4",
  protocol: 48,
  proxyClass: "Pyro4.core.Proxy",
  clientModule: "Pyro4.core",
  errors: (name: string) => `Pyro4.errors.${name}`,
});

/**
 * Python Pyro5 5.16 (released source, not packaged by Debian): found through `PYROTS_PYRO5_PATH`,
 * or `../shared/vendor/pyro5-5.16` beside the repository when present.
 */
export const PYRO5: PythonPyro = Object.freeze({
  name: "Pyro5",
  protocol: 502,
  proxyClass: "Pyro5.client.Proxy",
  clientModule: "Pyro5.client",
  errors: (name: string) => `Pyro5.errors.${name}`,
});

/** Both Python Pyro versions, Pyro4 first. */
export const PYTHON_PYROS: readonly PythonPyro[] = [PYRO4, PYRO5];

const REPOSITORY = fileURLToPath(new URL("../../../", import.meta.url));
const PYRO5_SHIM = fileURLToPath(new URL("../../interop/python/on_pyro5/", import.meta.url));

/** Where Pyro5's source is (the folder holding the `Pyro5` package), or undefined. */
export function pyro5Path(): string | undefined {
  const given = process.env.PYROTS_PYRO5_PATH;
  if (given) return path.resolve(given);
  const vendored = path.resolve(REPOSITORY, "../shared/vendor/pyro5-5.16");
  return existsSync(path.join(vendored, "Pyro5")) ? vendored : undefined;
}

/** A suite title's Python part: `Pyro4, msgpack`, `Pyro5, json chosen in code, no PYRO_* settings`, `Pyro4, serpent: Python at its defaults, ...`. */
export function pythonLabel(pyro: PythonPyro, serializer: SerializerName): string {
  if (pyro === PYRO4) return `${pyro.name}, ${serializerLabel(serializer)}`;
  return serializer === "serpent"
    ? `${pyro.name}, serpent: Python at its defaults, no PYRO_* settings`
    : `${pyro.name}, ${serializer} chosen in code, no PYRO_* settings`;
}

const INSTALL_HINT = "apt-get install python3-pyro4 python3-msgpack";
const PYRO5_HINT = "set PYROTS_PYRO5_PATH to a folder holding Pyro5 5.16's `Pyro5` package (and apt-get install python3-serpent python3-msgpack)";

type Probe = { ok: true; version: string } | { ok: false; reason: string };
let probe: Probe | undefined;
let probe5: Probe | undefined;
let announced = false;
let announced5 = false;

/** Whether `PYTHON` can import Pyro4 and msgpack (probed once per process). */
export function pythonPyro4(): { ok: true; version: string } | { ok: false; reason: string } {
  if (probe) return probe;
  const run = spawnSync(PYTHON, ["-c", "import Pyro4, msgpack; print(Pyro4.__version__)"], { env: pythonEnv({}), encoding: "utf8", timeout: 15_000 });
  if (run.error) probe = { ok: false, reason: `${PYTHON}: ${run.error.message}` };
  else if (run.status !== 0) probe = { ok: false, reason: `${PYTHON}: ${run.stderr.trim().split("\n").pop()}` };
  else probe = { ok: true, version: run.stdout.trim() };
  return probe;
}

/** Whether `PYTHON` can import Pyro5 (from {@link pyro5Path}), serpent and msgpack (probed once per process). */
export function pythonPyro5(): Probe {
  if (probe5) return probe5;
  const where = pyro5Path();
  if (where === undefined) return (probe5 = { ok: false, reason: "no Pyro5 source found" });
  const run = spawnSync(PYTHON, ["-c", "import Pyro5, serpent, msgpack; print(Pyro5.__version__)"], {
    env: pythonPyro5Env(PYRO5_ENV_BASE, {}),
    encoding: "utf8",
    timeout: 15_000,
  });
  if (run.error) probe5 = { ok: false, reason: `${PYTHON}: ${run.error.message}` };
  else if (run.status !== 0) probe5 = { ok: false, reason: `${PYTHON} with ${where}: ${run.stderr.trim().split("\n").pop()}` };
  else probe5 = { ok: true, version: run.stdout.trim() };
  return probe5;
}

/**
 * For a `before` hook: skips the suite when Python `pyro` is missing (saying so once per run), or
 * fails it when `REQUIRE_INTEROP=1` (Pyro4) or `REQUIRE_PYRO5=1` (Pyro5).
 */
export function requirePython(context: Mocha.Context, pyro: PythonPyro = PYRO4): void {
  if (pyro === PYRO5) {
    const status = pythonPyro5();
    if (status.ok) return;
    if (process.env.REQUIRE_PYRO5 === "1")
      throw new Error(`interop: Python Pyro5 is required (REQUIRE_PYRO5=1) but not usable: ${status.reason} (${PYRO5_HINT})`);
    if (!announced5) {
      announced5 = true;
      console.log(`interop: Python Pyro5 not found (${status.reason}; ${PYRO5_HINT}) — skipping the Pyro5 suites`);
    }
    context.skip();
  }
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

/** `describe` whose tests are skipped (or failed, see {@link requirePython}) without Python `pyro` (Pyro4 by default). */
export function describeInterop(title: string, fn: (this: Mocha.Suite) => void, pyro: PythonPyro = PYRO4): Mocha.Suite {
  return describe(title, function () {
    before(function () {
      requirePython(this, pyro);
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
 * The environment for a Python client or daemon using `serializer`. Pyro4: msgpack and json are
 * set with `PYRO_SERIALIZER` (daemons accept them through {@link pythonEnv}); serpent, Pyro4's
 * default, runs at the defaults ({@link pythonDefaultEnv}). Pyro5 always runs at its defaults, no
 * PYRO_* variables (its daemons accept every serializer): the scripts' shim chooses a client's
 * serializer in code from `INTEROP_SERIALIZER`. `extra` is added either way.
 */
export function pythonEnvFor(serializer: SerializerName, extra: Record<string, string> = {}, pyro: PythonPyro = PYRO4): NodeJS.ProcessEnv {
  if (pyro === PYRO5) return pythonPyro5Env(serializer === "serpent" ? {} : { INTEROP_SERIALIZER: serializer }, extra);
  if (serializer === "serpent") return { ...pythonDefaultEnv(), ...extra };
  return pythonEnv({ PYRO_SERIALIZER: serializer, ...extra });
}

const PYRO5_ENV_BASE: Record<string, string> = {};

/** Pyro5's environment: {@link pythonDefaultEnv} (no PYRO_* at all), Pyro5 and the Pyro4 shim on PYTHONPATH, plus `settings` and `extra`. */
export function pythonPyro5Env(settings: Record<string, string>, extra: Record<string, string>): NodeJS.ProcessEnv {
  const where = pyro5Path() ?? "";
  return { ...pythonDefaultEnv(), PYTHONPATH: `${PYRO5_SHIM}${path.delimiter}${where}`, ...settings, ...extra };
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
export async function startPythonDaemon(
  serializer: SerializerName,
  script = "server.py",
  extra: Record<string, string> = {},
  pyro: PythonPyro = PYRO4,
): Promise<PythonDaemon> {
  const proc = spawnProcess(PYTHON, [PYTHON_SCRIPTS + script], { env: pythonEnvFor(serializer, extra, pyro) });
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
 * Pyro4 msgpack and json clients get a 10 s PYRO_COMMTIMEOUT, serpent and Pyro5 ones none, as by
 * default) to completion, and parses its last stdout line as JSON.
 */
export async function runPythonJson<T = unknown>(
  script: string,
  args: readonly string[],
  serializer: SerializerName,
  extra: Record<string, string> = {},
  timeoutMs = 60_000,
  pyro: PythonPyro = PYRO4,
): Promise<T> {
  const atDefaults = serializer === "serpent" || pyro === PYRO5;
  const env = pythonEnvFor(serializer, atDefaults ? extra : { PYRO_COMMTIMEOUT: "10", ...extra }, pyro);
  const result = await runProcess(PYTHON, [PYTHON_SCRIPTS + script, ...args], { env, timeoutMs });
  const last = result.stdout.trim().split("\n").pop() ?? "";
  if (result.code !== 0 || !last.startsWith("{")) {
    throw new Error(`${script} failed (code ${result.code}, signal ${result.signal}); stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
  return JSON.parse(last) as T;
}
