/**
 * The name server's command-line tools as child processes, started with a clean environment
 * (no `PYRO_*`/`PYTHON*` items of ours) and stopped by pid (see @pyrots/test-support).
 */
import { fileURLToPath } from "node:url";
import { type RunResult, type Spawned, cleanEnv, runProcess, spawnProcess } from "@pyrots/test-support";

/** `nameserver/dist/bin/` — the compiled command-line tools. */
export const BIN_DIR = fileURLToPath(new URL("../../dist/bin/", import.meta.url));

/** Starts `command args` with a clean environment plus `env`. */
export function start(command: string, args: readonly string[], env: Record<string, string | undefined> = {}): Spawned {
  return spawnProcess(command, args, { env: cleanEnv(env) });
}

/** Runs a command to completion with a clean environment plus `options.env`. */
export function run(
  command: string,
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return runProcess(command, args, { ...options, env: cleanEnv(options.env) });
}

/** Runs one of our bins (`ns`, `nsc`, `echoserver`) with node. */
export function runBin(
  bin: string,
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return run(process.execPath, [BIN_DIR + `${bin}.js`, ...args], options);
}

/** Starts one of our bins with node. */
export function startBin(bin: string, args: readonly string[], env: Record<string, string> = {}): Spawned {
  return start(process.execPath, [BIN_DIR + `${bin}.js`, ...args], env);
}
