#!/usr/bin/env node
/**
 * Run after `tsc -b` (by `npm run build`): makes every workspace's `bin` files executable and
 * links them into node_modules/.bin, as npm does at install time.
 *
 * Why: on a fresh clone `npm ci` runs before the first build, when the compiled bin files do not
 * exist yet, so npm links nothing, and tsc writes new files without the executable bit. Without
 * this step `npx pyro-ns` would fail after `npm ci && npm run build`. Existing links are kept.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const binDir = join(root, "node_modules", ".bin");
const { workspaces = [] } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const dirs = workspaces.flatMap((pattern) => {
  if (!pattern.endsWith("/*")) return [pattern];
  const parent = pattern.slice(0, -2);
  return existsSync(join(root, parent)) ? readdirSync(join(root, parent)).map((name) => `${parent}/${name}`) : [];
});

function exists(path) {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

for (const dir of dirs) {
  const manifest = join(root, dir, "package.json");
  if (!existsSync(manifest)) continue;
  const { name, bin } = JSON.parse(readFileSync(manifest, "utf8"));
  const entries = typeof bin === "string" ? [[name.split("/").pop(), bin]] : Object.entries(bin ?? {});
  for (const [command, target] of entries) {
    const file = join(root, dir, target);
    if (!existsSync(file)) continue;
    chmodSync(file, 0o755);
    // Through node_modules/<package> (the workspace link npm made), exactly as npm links bins.
    const link = join(binDir, command);
    if (existsSync(join(root, "node_modules", name)) && !exists(link)) {
      mkdirSync(binDir, { recursive: true });
      symlinkSync(join("..", name, target), link);
    }
  }
}
