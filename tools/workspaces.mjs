/**
 * The repository's workspace packages, from the root package.json's `workspaces` globs (`dir/*`
 * or a plain folder), for the tools that act on every package.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** The repository root. */
export const ROOT = new URL("..", import.meta.url).pathname;

/** Reads a JSON file. */
export function readJson(file) {
  return JSON.parse(readFileSync(file, "utf8"));
}

/** Every workspace package: `{ dir (relative to the root), path (absolute), manifest }`. */
export function workspaces() {
  const { workspaces: patterns = [] } = readJson(join(ROOT, "package.json"));
  return patterns
    .flatMap((pattern) => {
      if (!pattern.endsWith("/*")) return [pattern];
      const parent = pattern.slice(0, -2);
      return existsSync(join(ROOT, parent))
        ? readdirSync(join(ROOT, parent))
            .sort()
            .map((name) => `${parent}/${name}`)
        : [];
    })
    .filter((dir) => existsSync(join(ROOT, dir, "package.json")))
    .map((dir) => ({ dir, path: join(ROOT, dir), manifest: readJson(join(ROOT, dir, "package.json")) }));
}

/** The workspaces that would be published: those not marked `private`. */
export function publicWorkspaces() {
  return workspaces().filter(({ manifest }) => manifest.private !== true);
}

/** A manifest's `bin` as `[command, file]` pairs. */
export function binEntries(manifest) {
  const { name, bin } = manifest;
  return typeof bin === "string" ? [[name.split("/").pop(), bin]] : Object.entries(bin ?? {});
}
