/**
 * The repository's workspace packages, read from the root package.json's `workspaces` globs, so
 * that suites over "every package" or "every command" cover packages added later.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is compiled to test/dist/support/). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** A workspace package: where it is and what its package.json says. */
export interface Workspace {
  /** Path relative to the repository root: `packages/core`. */
  readonly dir: string;
  /** Absolute path, with a trailing slash. */
  readonly path: string;
  readonly manifest: {
    name: string;
    version: string;
    private?: boolean;
    bin?: string | Record<string, string>;
    [key: string]: unknown;
  };
}

/** Every workspace package (`private` ones included), in the order the globs list them. */
export function workspaces(): Workspace[] {
  const root = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { workspaces: string[] };
  const dirs = root.workspaces.flatMap((pattern) => {
    if (!pattern.endsWith("/*")) return [pattern];
    const parent = pattern.slice(0, -2);
    return existsSync(join(REPO_ROOT, parent))
      ? readdirSync(join(REPO_ROOT, parent))
          .sort()
          .map((name) => `${parent}/${name}`)
      : [];
  });
  return dirs
    .filter((dir) => existsSync(join(REPO_ROOT, dir, "package.json")))
    .map((dir) => ({
      dir,
      path: join(REPO_ROOT, dir) + "/",
      manifest: JSON.parse(readFileSync(join(REPO_ROOT, dir, "package.json"), "utf8")) as Workspace["manifest"],
    }));
}

/** The packages that would be published: every workspace not marked `private`. */
export function publicWorkspaces(): Workspace[] {
  return workspaces().filter((w) => w.manifest.private !== true);
}

/** A package's commands: `bin` as a map from command name to file (relative to the package). */
export function binsOf(workspace: Workspace): Record<string, string> {
  const { bin, name } = workspace.manifest;
  if (bin === undefined) return {};
  return typeof bin === "string" ? { [name.split("/").pop()!]: bin } : bin;
}
