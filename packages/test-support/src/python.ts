/**
 * The Python peers of the interop suites: Debian's `/usr/bin/python3` with python3-pyro4 and
 * python3-msgpack, and Pyro5 5.16's released source (not packaged by Debian, see
 * {@link pyro5Path}). Without one a suite prints one line and is skipped, unless
 * `REQUIRE_INTEROP=1` (Pyro4) or `REQUIRE_PYRO5=1` (Pyro5), as CI sets them, turn that into a
 * failure.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cleanEnv } from "./process.js";

/** The Python that has Debian's `python3-pyro4` and `python3-msgpack` (not a pyenv shim first on PATH). */
export const PYTHON = process.env.PYROTS_PYTHON ?? "/usr/bin/python3";

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

/** The repository root (this file runs from `packages/test-support/dist/`). */
const REPOSITORY = fileURLToPath(new URL("../../../", import.meta.url));

/** Where Pyro5's source is (the folder holding the `Pyro5` package), or undefined. */
export function pyro5Path(): string | undefined {
  const given = process.env.PYROTS_PYRO5_PATH;
  if (given) return path.resolve(given);
  const vendored = path.resolve(REPOSITORY, "../shared/vendor/pyro5-5.16");
  return existsSync(path.join(vendored, "Pyro5")) ? vendored : undefined;
}

const INSTALL_HINT = "apt-get install python3-pyro4 python3-msgpack";
const PYRO5_HINT = "set PYROTS_PYRO5_PATH to a folder holding Pyro5 5.16's `Pyro5` package (and apt-get install python3-serpent python3-msgpack)";

/** Whether `PYTHON` imports a Pyro version and its serializers, and which version it is. */
export type PythonStatus = { ok: true; version: string } | { ok: false; reason: string };

let probe: PythonStatus | undefined;
let probe5: PythonStatus | undefined;
let announced = false;
let announced5 = false;

/** Whether `PYTHON` can import Pyro4 and msgpack (probed once per process). */
export function pythonPyro4(): PythonStatus {
  if (probe) return probe;
  const run = spawnSync(PYTHON, ["-c", "import Pyro4, msgpack; print(Pyro4.__version__)"], { env: pythonEnv({}), encoding: "utf8", timeout: 15_000 });
  if (run.error) probe = { ok: false, reason: `${PYTHON}: ${run.error.message}` };
  else if (run.status !== 0) probe = { ok: false, reason: `${PYTHON}: ${run.stderr.trim().split("\n").pop()}` };
  else probe = { ok: true, version: run.stdout.trim() };
  return probe;
}

/** Whether `PYTHON` can import Pyro5 (from {@link pyro5Path}), serpent and msgpack (probed once per process). */
export function pythonPyro5(): PythonStatus {
  if (probe5) return probe5;
  const where = pyro5Path();
  if (where === undefined) return (probe5 = { ok: false, reason: "no Pyro5 source found" });
  const run = spawnSync(PYTHON, ["-c", "import Pyro5, serpent, msgpack; print(Pyro5.__version__)"], {
    env: { ...pythonDefaultEnv(), PYTHONPATH: where },
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
    if (process.env.REQUIRE_PYRO5 === "1") {
      throw new Error(`interop: Python Pyro5 is required (REQUIRE_PYRO5=1) but not usable: ${status.reason} (${PYRO5_HINT})`);
    }
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
