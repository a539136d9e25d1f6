/**
 * Starts a command's compiled program from dist/. The files in bin/ are committed, so npm links
 * the commands (`npx pyro-ns`) at `npm ci` / `npm install` time, before anything is built; in a
 * clone that has not been built yet, a command says what to run instead of failing with a
 * module-not-found stack trace.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Runs `program` (a path relative to this folder) as the command `command`. */
export async function launch(command, program) {
  const url = new URL(program, import.meta.url);
  if (!existsSync(url)) {
    process.stderr.write(`${command}: ${fileURLToPath(url)} does not exist: this pyrots checkout is not built yet; run \`npm run build\` at its root\n`);
    process.exitCode = 1;
    return;
  }
  await import(url.href);
}
