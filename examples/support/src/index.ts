/**
 * Small helpers the examples share (they are not part of pyrots): "am I the main script", a main
 * runner, starting a child process that announces itself on stdout, and text tables.
 */
import type { ChildProcess } from "node:child_process";
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { spawnProcess } from "@pyrots/test-support";

/** True when the module at `moduleUrl` is the script node was started with (not imported). */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(realpathSync(script)).href === moduleUrl;
}

/** Runs an async `main`, printing a failure to stderr and exiting with code 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

/** A child process started by {@link startChild}, with the match of its ready line. */
export interface StartedChild {
  readonly child: ChildProcess;
  readonly ready: RegExpMatchArray;
  /** Stops the child (by its pid) and waits until it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `command args...` with `env` added to this process's environment and waits until it
 * prints a line matching `ready` on stdout. Every line it prints is passed to `echo`. Fails if
 * the child exits first or takes too long.
 */
export async function startChild(
  command: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  echo: (line: string) => void,
  timeoutMs = 15_000,
): Promise<StartedChild> {
  const proc = spawnProcess(command, args, { env: { ...process.env, ...env }, stderr: "inherit" });
  proc.onLine(echo);
  const match = await proc.waitForLine(ready, timeoutMs).catch(async (error: unknown) => {
    await proc.stop();
    throw error;
  });
  return { child: proc.child, ready: match, stop: async () => void (await proc.stop()) };
}

/** {@link startChild} for a Node.js script of an example (`new URL("./server.js", import.meta.url)`). */
export function startNodeChild(script: URL, args: string[], ready: RegExp, echo: (line: string) => void, timeoutMs?: number): Promise<StartedChild> {
  return startChild(process.execPath, [realpathSync(script), ...args], {}, ready, echo, timeoutMs);
}

/** Formats rows as an aligned text table; columns of numbers (with an optional unit) are right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string[] {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((row) => /^-?[\d.,]+( \S+)?$/.test(String(row[i]))));
  return cells.map((row) =>
    row
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
}
