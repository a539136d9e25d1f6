/**
 * What the name server package's command-line tools share beyond `@pyrots/core/cli`: this
 * package's version, and a main runner that escapes control characters in error messages (they
 * may quote what a peer sent).
 */
import { type RunCommandOptions, readPackageVersion, runCommand } from "@pyrots/core/cli";
import { printableLine } from "./printable.js";

export { UsageError, parseCommandLine, parsePortOption } from "@pyrots/core/cli";

/** This package's version, for `--version`. */
export const VERSION: string = readPackageVersion(new URL("../package.json", import.meta.url));

/** {@link runCommand} with error messages made printable. */
export function runTool(options: Omit<RunCommandOptions, "printable">, main: () => Promise<void>): void {
  runCommand({ ...options, printable: printableLine }, main);
}
