/**
 * npm and npx as a user runs them in a shell: without the `npm_*` variables that `npm test`
 * hands its children (they would steer a child npm towards this repository), without PYRO_*.
 */
import { cleanEnv } from "./clean-env.js";
import { type RunResult, runProcess } from "./process.js";

/** The environment of a plain shell, plus `extra`. */
export function shellEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(cleanEnv()).filter(([key]) => !key.startsWith("npm_") && key !== "INIT_CWD"));
  return { ...env, ...extra };
}

/** Runs `command args` in `cwd` as from a shell; fails with its output unless it exits 0. */
export async function runOk(command: string, args: readonly string[], cwd: string, timeoutMs = 60_000, env: Record<string, string> = {}): Promise<RunResult> {
  const result = await runProcess(command, args, { cwd, env: shellEnv(env), timeoutMs });
  if (result.code !== 0) {
    throw new Error(
      `\`${command} ${args.join(" ")}\` in ${cwd} exited with ${result.code ?? result.signal}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
  return result;
}
