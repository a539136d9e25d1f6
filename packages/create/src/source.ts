/**
 * Where a new project gets the pyrots packages from: the npm registry (a version range), or a
 * clone of the pyrots repository (`file:` paths to its package folders, which npm links).
 */
import { existsSync, readFileSync, readdirSync, realpathSync } from "node:fs";
import { join, relative, sep } from "node:path";

/** The packages a new project depends on. */
export const PYROTS_PACKAGES = ["@pyrots/core", "@pyrots/nameserver"] as const;

/** How a new project depends on the pyrots packages. */
export type PyrotsSource =
  /** Published versions: `"@pyrots/core": "^0.1.0"`. */
  | { readonly kind: "registry"; readonly version: string }
  /** The packages of a clone, by path: `"@pyrots/core": "file:../pyrots/packages/core"`. */
  | { readonly kind: "clone"; readonly root: string; readonly packageDirs: ReadonlyMap<string, string> };

/**
 * The clone at `root`, with the folder of each of {@link PYROTS_PACKAGES}; undefined when `root`
 * is not a pyrots clone (no workspaces holding those packages).
 */
export function cloneAt(root: string): PyrotsSource | undefined {
  const manifest = readJson(join(root, "package.json"));
  const patterns = Array.isArray(manifest?.workspaces) ? (manifest.workspaces as string[]) : [];
  const packageDirs = new Map<string, string>();
  for (const dir of workspaceDirs(root, patterns)) {
    const name = readJson(join(dir, "package.json"))?.name;
    if (typeof name === "string" && (PYROTS_PACKAGES as readonly string[]).includes(name)) packageDirs.set(name, dir);
  }
  if (!PYROTS_PACKAGES.every((name) => packageDirs.has(name))) return undefined;
  return { kind: "clone", root: realpathSync(root), packageDirs };
}

/**
 * The clone this package runs from, when it does: `packages/create` inside a pyrots clone (not a
 * copy installed under node_modules).
 */
export function cloneOfThisPackage(packageDir: string): PyrotsSource | undefined {
  const real = realpathSync(packageDir);
  if (real.split(sep).includes("node_modules")) return undefined;
  return cloneAt(join(real, "..", ".."));
}

/** The dependency specs for `projectDir`: `^version`, or `file:` paths relative to it. */
export function dependencySpecs(source: PyrotsSource, projectDir: string): Record<string, string> {
  const specs: Record<string, string> = {};
  for (const name of PYROTS_PACKAGES) {
    specs[name] = source.kind === "registry" ? `^${source.version}` : `file:${relative(projectDir, source.packageDirs.get(name)!).split(sep).join("/")}`;
  }
  return specs;
}

function workspaceDirs(root: string, patterns: readonly string[]): string[] {
  return patterns.flatMap((pattern) => {
    if (!pattern.endsWith("/*")) return [join(root, pattern)];
    const parent = join(root, pattern.slice(0, -2));
    return existsSync(parent) ? readdirSync(parent).map((name) => join(parent, name)) : [];
  });
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
