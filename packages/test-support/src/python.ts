/**
 * The Python Pyro4 peer of the interop suites: Debian's `/usr/bin/python3` with python3-pyro4
 * and python3-msgpack. Without it a suite prints one line and is skipped, unless
 * `REQUIRE_INTEROP=1` (as CI sets it) turns that into a failure.
 */
import { spawnSync } from "node:child_process";
import { cleanEnv } from "./process.js";

/** The Python that has Debian's `python3-pyro4` and `python3-msgpack` (not a pyenv shim first on PATH). */
export const PYTHON = process.env.PYROTS_PYTHON ?? "/usr/bin/python3";

const INSTALL_HINT = "apt-get install python3-pyro4 python3-msgpack";

/** Whether `PYTHON` imports Pyro4 and msgpack, and which Pyro4 it is. */
export type PythonStatus = { ok: true; version: string } | { ok: false; reason: string };

let probe: PythonStatus | undefined;
let announced = false;

/** Whether `PYTHON` can import Pyro4 and msgpack (probed once per process). */
export function pythonPyro4(): PythonStatus {
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
 * every serializer accepted by daemons, unbuffered output and `extra`.
 */
export function pythonEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv({
    PYTHONUNBUFFERED: "1",
    PYTHONDONTWRITEBYTECODE: "1",
    PYRO_SERIALIZERS_ACCEPTED: "serpent,json,marshal,msgpack",
    ...extra,
  });
}

/**
 * The environment for a Python Pyro4 process at Pyro4's own defaults: ours minus every
 * `PYRO_*`/`PYTHON*` setting, plus unbuffered output.
 */
export function pythonDefaultEnv(): NodeJS.ProcessEnv {
  return cleanEnv({ PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1" });
}
