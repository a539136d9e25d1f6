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
