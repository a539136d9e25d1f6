/**
 * Loaded with `node --import`: writes `MODULE <url>` to stdout for every ES module the process
 * loads (its own, packages', and built-ins imported as ES modules), at the moment it loads, so
 * that a suite can tell which modules a piece of work needed. Writes are synchronous: lines the
 * program writes with `writeSync(1, ...)` keep their order relative to these.
 */
import { register } from "node:module";

const hooks = `
import { writeSync } from "node:fs";
export async function load(url, context, next) {
  writeSync(1, "MODULE " + url + "\\n");
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
