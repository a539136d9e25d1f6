/**
 * Small helpers shared by the command-line tools: parsing with `node:util` parseArgs, usage
 * errors with exit code 2, `--version`.
 */
import { readFileSync } from "node:fs";
import { printableLine } from "./printable.js";

/** Thrown for bad command-line usage; the tools print it and exit with code 2. */
export class UsageError extends Error {}

/** The package version, for `--version`. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

/** Runs a `node:util` parseArgs call, turning its errors into {@link UsageError}. */
export function parseCommandLine<R>(parse: () => R): R {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Parses a port number option, or throws a UsageError naming the option. */
export function parsePort(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${option} must be a port number 0-65535, got ${JSON.stringify(value)}`);
  return port;
}

/**
 * Runs a CLI `main`, mapping usage errors to exit code 2 and other failures to 1. Error messages
 * are printed with control characters made visible: they may quote what a peer sent.
 */
export function runMain(name: string, usage: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${name}: ${printableLine(error.message)}\n${usage}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`${name}: ${printableLine(error instanceof Error ? error.message : String(error))}\n`);
      process.exitCode = 1;
    }
  });
}
