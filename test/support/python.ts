/**
 * The Python Pyro4 side of interop suites: finds the Debian `/usr/bin/python3` with Pyro4 and
 * msgpack (from @pyrots/test-support), and runs the scripts in `test/interop/python/` with each
 * serializer.
 */
import { fileURLToPath } from "node:url";
import { PYTHON, pythonDefaultEnv, pythonEnv, runProcess, spawnProcess, type Spawned } from "@pyrots/test-support";

export { PYTHON, describeInterop, pythonDefaultEnv, pythonEnv, pythonPyro4, requirePython } from "@pyrots/test-support";

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
  return { uris, process: proc, stop: async () => void (await proc.stop()) };
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
