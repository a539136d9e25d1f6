/**
 * The real Python Pyro4 for core's tests: `/usr/bin/python3` with Debian's python3-pyro4,
 * python3-msgpack and python3-serpent. Suites skip (one visible line) without it, and fail
 * instead under `REQUIRE_INTEROP=1`.
 */
import { spawnSync } from "node:child_process";

/** The Python that has Pyro4 4.82, msgpack and serpent (not the `python3` first on PATH). */
export const PYTHON = "/usr/bin/python3";

/**
 * Runs Python `code` (Pyro4's modules, serpent, msgpack, json, sys, math and datetime imported);
 * `input` arrives on stdin as JSON, and what the code prints on stdout comes back parsed as JSON.
 * The process runs in UTC, so that naive datetimes read the same everywhere.
 */
export function runPython(code: string, input: unknown): unknown {
  const prelude = "import sys, json, math, datetime, base64, msgpack, serpent, Pyro4.util, Pyro4.core, Pyro4.errors, Pyro4.futures\n";
  const result = spawnSync(PYTHON, ["-c", prelude + code], {
    input: JSON.stringify(input),
    encoding: "utf8",
    env: { ...process.env, TZ: "UTC" },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** For a `before` hook: skips the suite without Python Pyro4, or fails it under REQUIRE_INTEROP=1. */
export function requirePyro4(context: Mocha.Context): void {
  if (spawnSync(PYTHON, ["-c", "import Pyro4, msgpack, serpent"], { encoding: "utf8" }).status === 0) return;
  if (process.env.REQUIRE_INTEROP === "1") throw new Error(`${PYTHON} with Pyro4, msgpack and serpent is required (REQUIRE_INTEROP=1) but not available`);
  console.log(`    (skipped: ${PYTHON} with Pyro4, msgpack and serpent not available; set REQUIRE_INTEROP=1 to fail instead)`);
  context.skip();
}

/**
 * Python source of `describe(v)`, which turns a value Pyro4 loaded into JSON to compare:
 * `[type name, repr]` for plain values, the parts described for lists, tuples, dicts and
 * exceptions, `["set", sorted reprs]`, `["URI", text]`, `["Proxy", uri, methods, oneway, attrs]`,
 * and `["int", hex]` for ints too long for `repr`. Dict keys are described like values, or given
 * as their `repr` with `keys: "repr"`.
 */
export function pythonDescribe(options: { keys: "described" | "repr" }): string {
  const key = options.keys === "repr" ? "repr(k)" : "describe(k)";
  return `
def describe(v):
    if isinstance(v, Pyro4.futures._ExceptionWrapper):
        return ["_ExceptionWrapper", describe(v.exception)]
    if isinstance(v, BaseException):
        return [type(v).__module__ + "." + type(v).__name__, [describe(a) for a in v.args], {k: describe(x) for k, x in vars(v).items() if k != "_pyroTraceback"}]
    if isinstance(v, (list, tuple)):
        return [type(v).__name__, [describe(x) for x in v]]
    if isinstance(v, (set, frozenset)):
        return ["set", sorted(repr(x) for x in v)]
    if isinstance(v, dict):
        return ["dict", [[${key}, describe(x)] for k, x in v.items()]]
    if isinstance(v, Pyro4.core.URI):
        return ["URI", str(v)]
    if isinstance(v, Pyro4.core.Proxy):
        return ["Proxy", str(v._pyroUri), sorted(v._pyroMethods), sorted(v._pyroOneway), sorted(v._pyroAttrs)]
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 10**100:
        return ["int", hex(v)]
    return [type(v).__name__, repr(v)]
`;
}
