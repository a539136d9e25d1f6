/**
 * Starts a command's compiled program from dist/, for the committed launchers in the `bin/`
 * folders of pyrots' packages. Being committed, they let npm link the commands (`npx pyro-ns`) at
 * `npm ci` / `npm install` time, before anything is built; in a clone that has not been built yet,
 * a command says what to run instead of failing with a module-not-found stack trace. This file is
 * plain JavaScript, outside dist/, so that it exists before a build too.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Runs `url` (the compiled program, e.g. `new URL("../dist/bin/ns.js", import.meta.url)`) as the command `command`. */
export async function launch(command, url) {
  if (!existsSync(url)) {
    process.stderr.write(`${command}: ${fileURLToPath(url)} does not exist: this pyrots checkout is not built yet; run \`npm run build\` at its root\n`);
    process.exitCode = 1;
    return;
  }
  await import(url.href);
}
