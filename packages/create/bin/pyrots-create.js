#!/usr/bin/env node
// `pyrots-create`: runs dist/cli.js. This file is committed, so npm links the command before
// anything is built; in a clone that has not been built yet it says what to run.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const program = new URL("../dist/cli.js", import.meta.url);
if (existsSync(program)) {
  await import(program.href);
} else {
  process.stderr.write(`pyrots-create: ${fileURLToPath(program)} does not exist: this pyrots checkout is not built yet; run \`npm run build\` at its root\n`);
  process.exitCode = 1;
}
