#!/usr/bin/env node
/**
 * pyro-check-config: prints the effective pyrots configuration and where each value came from.
 */
import { ConfigError } from "@pyrots/core";
import { UsageError, VERSION, parseCommandLine, runTool } from "../cli.js";
import { formatTable, parseAssignments, reportRows } from "../config-report.js";

const USAGE = `usage: pyro-check-config [options]

Prints the effective pyrots configuration: every item, its PYRO_ environment variable, its option
key, its value, and where the value came from (default, environment, option). Values are read
the way every pyrots program reads them, so an unknown or invalid PYRO_ variable is reported
here too (exit code 1). Secrets (HMAC_KEY, key passphrases) are shown as "(set)".

options:
  -o, --option NAME=VALUE  apply an option on top of the environment, as code would
                           (NAME: NS_PORT, PYRO_NS_PORT or nsPort; repeatable)
      --json               print JSON: [{ name, envName, key, value, source }, ...]
  -h, --help               show this help and exit
  -V, --version            show the version and exit

exit codes: 0 the configuration is valid, 1 it is not, 2 bad usage
`;

async function main(): Promise<void> {
  const parsed = parseCommandLine({
    name: "pyro-check-config",
    usage: USAGE,
    version: VERSION,
    options: {
      option: { type: "string", short: "o", multiple: true, default: [] },
      json: { type: "boolean", default: false },
    },
  });
  if (parsed === undefined) return;
  const { values } = parsed;
  let options;
  try {
    options = parseAssignments(values.option);
  } catch (error) {
    throw error instanceof ConfigError ? new UsageError(`--option: ${error.message}`) : error;
  }
  const rows = reportRows(options, process.env);
  process.stdout.write(values.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatTable(rows).join("\n")}\n`);
}

runTool({ name: "pyro-check-config", usage: USAGE }, main);
