#!/usr/bin/env node
/**
 * pyro-nsc: name server control tool (Pyro4's `nsc` commands and options).
 */
import { createInterface } from "node:readline/promises";
import { type LocateAttempt, RemoteError, locateNS } from "@pyrots/core";
import { UsageError, VERSION, parseCommandLine, parsePortOption, runTool } from "../cli.js";
import { checkNscCommand, runNscCommand } from "../nsc.js";
import { printable, printableLine } from "../printable.js";

const USAGE = `usage: pyro-nsc [options] command [arguments]

Commands:
  ping                      check that the name server answers
  list [PREFIX]             list all names, or those starting with PREFIX
  listmatching REGEX        list names matching REGEX (Python re.match: anchored at the start)
  listmeta_all TAG...       list names having all these metadata tags
  listmeta_any TAG...       list names having any of these metadata tags
  yplookup_all TAG...       yellow-pages lookup (Pyro5): all of the tags
  yplookup_any TAG...       yellow-pages lookup (Pyro5): any of the tags
  lookup NAME               show the URI (and metadata) of NAME
  register NAME URI         register NAME (fails if it already exists)
  remove NAME               remove NAME
  removematching REGEX      remove every name matching REGEX (asks first on a terminal, unless -y)
  setmeta NAME [TAG...]     set (or with no tags, clear) the metadata tags of NAME

options:
  -n, --host HOST           hostname of the name server (default: locate it: PYRO_NS_HOST,
                            broadcast, mDNS)
  -p, --port PORT           port of the name server (or the broadcast port without -n)
  -u, --unixsocket PATH     Unix domain socket of the name server
  -y, --yes                 don't ask before removematching
  -v, --verbose             say where the name server was looked for and how it was found
  -h, --help                show this help and exit
  -V, --version             show the version and exit
`;

/** How each way of finding the name server reads in `-v` output. */
const FOUND_VIA: Readonly<Record<LocateAttempt["via"], string>> = {
  host: "at the address given with -n/-p/-u",
  nsHost: "at NS_HOST (PYRO_NS_HOST, default localhost)",
  broadcast: "by UDP broadcast",
  mdns: "by mDNS",
};

async function main(): Promise<void> {
  const parsed = parseCommandLine({
    name: "pyro-nsc",
    usage: USAGE,
    version: VERSION,
    allowPositionals: true,
    options: {
      host: { type: "string", short: "n" },
      port: { type: "string", short: "p" },
      unixsocket: { type: "string", short: "u" },
      yes: { type: "boolean", short: "y", default: false },
      verbose: { type: "boolean", short: "v", default: false },
    },
  });
  if (parsed === undefined) return;
  const { values, positionals } = parsed;
  const [command = "", ...args] = positionals;
  const say = (line: string) => void process.stdout.write(`${line}\n`);
  // Check the command before spending time on locating a name server.
  checkNscCommand(command, args);
  const port = parsePortOption(values.port, "--port");
  const host = values.unixsocket !== undefined ? `./u:${values.unixsocket}` : values.host;
  if (values.verbose) say("Locating name server...");
  // Descriptions may quote a broadcast or mDNS reply: anyone on the network can send one.
  const onAttempt = (attempt: LocateAttempt) =>
    say(attempt.found ? `Name server found ${FOUND_VIA[attempt.via]}: ${printable(String(attempt.found))}` : `  ${printableLine(attempt.description)}`);
  const ns = await locateNS({ host, port, onAttempt: values.verbose ? onAttempt : undefined });
  try {
    // Pyro asks before a mass removal; without a terminal (scripts, CI) there is nobody to ask.
    const confirm = values.yes || !process.stdin.isTTY ? undefined : ask;
    await runNscCommand(ns, command, args, { say, confirm }).catch((error: unknown) => {
      throw error instanceof UsageError ? error : new Error(describeError(error));
    });
    if (values.verbose) say("Done.");
  } finally {
    await ns[Symbol.asyncDispose]();
  }
}

/** `NamingError: unknown name: x`, `ValueError: ...`: the error's (remote) class and message. */
function describeError(error: unknown): string {
  if (error instanceof RemoteError) return `${error.remoteName}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

async function ask(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return ["y", "Y"].includes((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

runTool({ name: "pyro-nsc", usage: USAGE }, main);
