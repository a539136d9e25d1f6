/**
 * Shared by the issue-4 interop suites (streaming, batches, autoproxy, callbacks, call context):
 * the Python daemon `features_server.py`, the Python client `features_client.py` and reading its
 * per-check observations.
 */
import { expect } from "chai";
import { PYRO4, type PythonDaemon, type PythonPyro, type SerializerName, runPythonJson, startPythonDaemon } from "../support/python.js";

/** A Python exception as `features_client.py` reports it. */
export interface ErrorInfo {
  type: string;
  str: string;
}

/** What one check observed. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: ErrorInfo };

/** Observations by check name. */
export type Results = Record<string, Outcome>;

/** The sections of `features_client.py`. */
export type Section = "streaming" | "batch" | "autoproxy" | "callbacks" | "context";

/** Runs `features_client.py` against a pyrots daemon at `location` (`host:port`); `extra` PYRO_* settings on top. */
export function runFeatureClient(
  location: string,
  serializer: SerializerName,
  sections: readonly Section[],
  extra: Record<string, string> = {},
  pyro: PythonPyro = PYRO4,
): Promise<Results> {
  return runPythonJson<Results>("features_client.py", [location, ...sections], serializer, extra, 60_000, pyro);
}

/** Starts `features_server.py` and waits until it has printed its URIs and `ready`; `extra` PYRO_* settings on top. */
export function startFeatureDaemon(serializer: SerializerName, extra: Record<string, string> = {}, pyro: PythonPyro = PYRO4): Promise<PythonDaemon> {
  return startPythonDaemon(serializer, "features_server.py", extra, pyro);
}

/** The value a check returned; fails the test if it raised or did not run. */
export function valueOf<T = unknown>(results: Results, check: string): T {
  const outcome = results[check];
  expect(outcome, `no result for check ${check}`).to.not.equal(undefined);
  if (!outcome!.ok) expect.fail(`${check} raised ${outcome!.error.type}: ${outcome!.error.str}`);
  return outcome!.value as T;
}

/** Captures what `fn` writes to stderr (pyrots reports `@callback` errors there). */
export async function capturingStderr<T>(fn: () => Promise<T>): Promise<{ result: T; stderr: string }> {
  const original = process.stderr.write;
  let stderr = "";
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    return { result: await fn(), stderr };
  } finally {
    process.stderr.write = original;
  }
}
