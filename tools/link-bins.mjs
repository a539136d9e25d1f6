#!/usr/bin/env node
/**
 * Run after `tsc -b` (by `npm run build`): makes every workspace's `bin` files executable and
 * links them into node_modules/.bin, as npm does at install time.
 *
 * Why: npm links a bin at `npm ci` time only if its file exists then. The pyrots packages point
 * their bins at small committed launchers (`bin/*.js`), so npm links them before any build; this
 * step covers a workspace whose bin is a compiled file (tsc writes new files without the
 * executable bit). Existing links are kept.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { ROOT, binEntries, workspaces } from "./workspaces.mjs";

const binDir = join(ROOT, "node_modules", ".bin");

function exists(path) {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

for (const { dir, manifest } of workspaces()) {
  for (const [command, target] of binEntries(manifest)) {
    const file = join(ROOT, dir, target);
    if (!existsSync(file)) continue;
    chmodSync(file, 0o755);
    // Through node_modules/<package> (the workspace link npm made), exactly as npm links bins.
    const link = join(binDir, command);
    if (existsSync(join(ROOT, "node_modules", manifest.name)) && !exists(link)) {
      mkdirSync(binDir, { recursive: true });
      symlinkSync(join("..", manifest.name, target), link);
    }
  }
}
