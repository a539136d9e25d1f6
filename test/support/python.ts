/**
 * The Python side of interop suites: the Python peers (Pyro4, and Pyro5, see {@link PYRO5}) are
 * found by @pyrots/test-support; this runs the scripts in `test/interop/python/`. The scripts are
 * Pyro4 code; on Pyro5 they run unchanged through `python/on_pyro5/Pyro4.py` (Pyro5's own
 * compatibility layer), with no PYRO_* variables.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PYRO4, PYRO5, PYTHON, type PythonPyro, pyro5Path, pythonDefaultEnv, pythonEnv, runProcess, spawnProcess, type Spawned } from "@pyrots/test-support";

export {
  PYRO4,
  PYRO5,
  PYTHON,
  PYTHON_PYROS,
  type PythonPyro,
  describeInterop,
  pyro5Path,
  pythonDefaultEnv,
  pythonEnv,
  pythonPyro4,
  pythonPyro5,
  requirePython,
} from "@pyrots/test-support";

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

const PYRO5_SHIM = fileURLToPath(new URL("../../interop/python/on_pyro5/", import.meta.url));

/** A suite title's Python part: `Pyro4, msgpack`, `Pyro5, json chosen in code, no PYRO_* settings`, `Pyro4, serpent: Python at its defaults, ...`. */
export function pythonLabel(pyro: PythonPyro, serializer: SerializerName): string {
  if (pyro === PYRO4) return `${pyro.name}, ${serializerLabel(serializer)}`;
  return serializer === "serpent"
    ? `${pyro.name}, serpent: Python at its defaults, no PYRO_* settings`
    : `${pyro.name}, ${serializer} chosen in code, no PYRO_* settings`;
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
  return { uris, process: proc, stop: async () => void (await proc.stop()) };
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
