#!/usr/bin/env node
/**
 * pyrots-create: makes a new pyrots project in a folder (`npm init @pyrots my-app` runs it too).
 */
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError, parseCommandLine, readPackageVersion, runCommand } from "@pyrots/core/cli";
import { CreateError, createProject } from "./create.js";
import { type PyrotsSource, cloneAt, cloneOfThisPackage } from "./source.js";

const VERSION = readPackageVersion(new URL("../package.json", import.meta.url));

const USAGE = `usage: pyrots-create [options] DIRECTORY

Creates a pyrots project in DIRECTORY (a new or empty folder): a worker (src/server.ts), a
client (src/client.ts), a package.json whose \`npm start\` builds them and runs both with a name
server, a tsconfig.json and a README. Then: cd DIRECTORY && npm install && npm start

options:
  -n, --name NAME     package name (default: the folder's name)
      --link CLONE    depend on the packages of the pyrots clone at CLONE, by path (file:);
                      the default when pyrots-create itself runs from a clone
      --no-link       depend on the published versions (^${VERSION}), even from a clone
  -h, --help          show this help and exit
  -V, --version       show the version and exit
`;

async function main(): Promise<void> {
  const parsed = parseCommandLine({
    name: "pyrots-create",
    usage: USAGE,
    version: VERSION,
    allowPositionals: true,
    options: {
      name: { type: "string", short: "n" },
      link: { type: "string" },
      "no-link": { type: "boolean", default: false },
    },
  });
  if (parsed === undefined) return;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "missing DIRECTORY" : `one DIRECTORY only, got ${positionals.length}`);
  if (values.link !== undefined && values["no-link"]) throw new UsageError("--link and --no-link contradict each other");
  const pyrots = chooseSource(values.link, values["no-link"]);
  let project;
  try {
    project = createProject({ directory: positionals[0]!, name: values.name, pyrots });
  } catch (error) {
    throw error instanceof CreateError ? new UsageError(error.message) : error;
  }
  const shown = relative(process.cwd(), project.directory) || ".";
  const say = (line = "") => process.stdout.write(`${line}\n`);
  say(`Created ${project.name} in ${project.directory}: ${project.files.join(", ")}`);
  if (pyrots.kind === "clone") {
    say(`The pyrots packages come from the clone at ${pyrots.root} (file: dependencies, linked by npm install);`);
    say("after pulling changes there, run `npm run build` in the clone again.");
  } else {
    say(`The pyrots packages come from the npm registry (^${pyrots.version}); to use packed tarballs instead,`);
    say("install them in the project: npm install path/to/pyrots-core-*.tgz path/to/pyrots-nameserver-*.tgz");
  }
  say();
  say("Next:");
  if (shown !== ".") say(`  cd ${shellWord(shown)}`);
  say("  npm install");
  say("  npm start          # builds, then runs a name server, the worker and the client");
}

/** `path` as one shell word: quoted when it holds anything but plain characters. */
function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`;
}

function chooseSource(link: string | undefined, noLink: boolean): PyrotsSource {
  if (noLink) return { kind: "registry", version: VERSION };
  if (link !== undefined) {
    const clone = cloneAt(resolve(link));
    if (!clone) throw new UsageError(`--link: ${resolve(link)} is not a pyrots clone (no workspaces holding @pyrots/core and @pyrots/nameserver)`);
    return clone;
  }
  return cloneOfThisPackage(fileURLToPath(new URL("..", import.meta.url))) ?? { kind: "registry", version: VERSION };
}

runCommand({ name: "pyrots-create", usage: USAGE }, main);
