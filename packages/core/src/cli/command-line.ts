/**
 * What every pyrots command-line tool shares: `node:util` parseArgs with `-h/--help` and
 * `-V/--version` added, usage errors that suggest the closest flag, and a main runner that maps
 * usage errors to exit code 2 and failures to exit code 1.
 *
 * ```ts
 * const USAGE = "usage: pyro-thing [options]\n...";
 * runCommand({ name: "pyro-thing", usage: USAGE }, async () => {
 *   const parsed = parseCommandLine({ name: "pyro-thing", usage: USAGE, version: "1.0.0", options: { host: { type: "string", short: "n" } } });
 *   if (parsed === undefined) return; // --help or --version was printed
 *   // parsed.values.host: string | undefined
 * });
 * ```
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { closestName } from "../suggest.js";

/** Thrown for bad command-line usage; {@link runCommand} prints it with the usage, exit code 2. */
export class UsageError extends Error {}

/** One option in `node:util` parseArgs's form. */
export interface CommandOption {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  default?: string | boolean | string[] | boolean[];
}

/** A command's name, usage text and version, and the options it takes besides `--help`/`--version`. */
export interface CommandLineSpec<O extends Record<string, CommandOption>, P extends boolean> {
  /** The command's name, as typed: `pyro-ns`. */
  readonly name: string;
  /** The full usage text, printed by `--help` (stdout) and after a usage error (stderr). */
  readonly usage: string;
  /** Printed by `--version` as `NAME (pyrots) VERSION`. */
  readonly version: string;
  /** The command's own options (`help` and `version` are added). */
  readonly options: O;
  /** Whether positional arguments are allowed (default false). */
  readonly allowPositionals?: P;
  /** The arguments to parse (default `process.argv.slice(2)`). */
  readonly args?: readonly string[];
}

/** What {@link parseCommandLine} returns: parseArgs's typed `values` and `positionals`. */
export type ParsedCommandLine<O extends Record<string, CommandOption>, P extends boolean> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: P; strict: true }>
>;

const STANDARD_OPTIONS = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const satisfies Record<string, CommandOption>;

/**
 * Parses the command line. `-h/--help` prints the usage and `-V/--version` the version to stdout,
 * and then the result is undefined: the caller returns. Anything parseArgs refuses becomes a
 * {@link UsageError} in plain words; an unknown long flag names the closest known one
 * (`unknown option --hots; did you mean --host?`).
 */
export function parseCommandLine<const O extends Record<string, CommandOption>, const P extends boolean = false>(
  spec: CommandLineSpec<O, P>,
): ParsedCommandLine<O, P> | undefined {
  const options = { ...spec.options, ...STANDARD_OPTIONS };
  let parsed;
  try {
    parsed = parseArgs({ args: [...(spec.args ?? process.argv.slice(2))], options, allowPositionals: spec.allowPositionals ?? false, strict: true });
  } catch (error) {
    throw usageErrorFor(error, options);
  }
  const values = parsed.values as Record<string, unknown>;
  if (values.help) {
    process.stdout.write(spec.usage);
    return undefined;
  }
  if (values.version) {
    process.stdout.write(`${spec.name} (pyrots) ${spec.version}\n`);
    return undefined;
  }
  delete values.help;
  delete values.version;
  return parsed as unknown as ParsedCommandLine<O, P>;
}

/** parseArgs's error in plain words, with a suggestion for a mistyped long flag. */
function usageErrorFor(error: unknown, options: Record<string, CommandOption>): UsageError {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']*)'/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && quoted !== undefined) {
    const flag = quoted.split("=")[0]!;
    const suggestion = flag.startsWith("--")
      ? closestName(
          flag,
          Object.keys(options).map((long) => `--${long}`),
          "--",
        )
      : undefined;
    return new UsageError(`unknown option ${flag}${suggestion ? `; did you mean ${suggestion}?` : ""}`);
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL" && quoted !== undefined) {
    return new UsageError(`unexpected argument ${JSON.stringify(quoted)}: this command takes options only`);
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && quoted !== undefined && message.includes("argument missing")) {
    return new UsageError(`option ${quoted.replace(/ <value>$/, "")} needs a value`);
  }
  return new UsageError(message);
}

/** Parses a port option (0-65535); undefined stays undefined. Throws a UsageError naming the flag. */
export function parsePortOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (value.trim() === "" || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`${flag} must be a port number 0-65535, got ${JSON.stringify(value)}`);
  }
  return port;
}

/** The `version` of the package.json at `manifest` (e.g. `new URL("../package.json", import.meta.url)`). */
export function readPackageVersion(manifest: URL): string {
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

/** How {@link runCommand} reports. */
export interface RunCommandOptions {
  /** The command's name, put before every error message: `pyro-ns: ...`. */
  readonly name: string;
  /** Printed after a usage error's message. */
  readonly usage: string;
  /** Turns an error message into printable text (e.g. escaping control characters a peer sent). */
  readonly printable?: (message: string) => string;
}

/**
 * Runs a command's `main`: a {@link UsageError} is printed with the usage on stderr and sets exit
 * code 2, any other failure prints `NAME: message` on stderr and sets exit code 1. The process
 * then ends by itself once nothing is left running.
 */
export function runCommand(options: RunCommandOptions, main: () => Promise<void>): void {
  const printable = options.printable ?? ((message: string) => message);
  main().catch((error: unknown) => {
    const message = printable(error instanceof Error ? error.message : String(error));
    if (error instanceof UsageError) {
      process.stderr.write(`${options.name}: ${message}\n${options.usage}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`${options.name}: ${message}\n`);
      process.exitCode = 1;
    }
  });
}
