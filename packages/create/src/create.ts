/**
 * Writes a new project: the files of `template/` (with the project's name put in), and a
 * package.json whose dependencies come from a {@link PyrotsSource}.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type PyrotsSource, dependencySpecs } from "./source.js";

/** The template's folder, shipped beside dist/. */
export const TEMPLATE_DIR = fileURLToPath(new URL("../template/", import.meta.url));

/** The token the template's files use for the project's name. */
const NAME_TOKEN = /__PROJECT__/g;

/** Template files stored under another name: npm leaves `.gitignore` files out of packages. */
const RENAMED: Readonly<Record<string, string>> = { gitignore: ".gitignore" };

/** TypeScript and Node's types, as the project builds with them. */
export const DEV_DEPENDENCIES: Readonly<Record<string, string>> = { "@types/node": "^20.11.0", typescript: "~5.9.3" };

/** What {@link createProject} needs. */
export interface CreateOptions {
  /** The folder to create; it may exist if it is empty. */
  readonly directory: string;
  /** The package name (default: from the folder's name). */
  readonly name?: string;
  /** Where the pyrots packages come from. */
  readonly pyrots: PyrotsSource;
}

/** What {@link createProject} made. */
export interface CreatedProject {
  /** Absolute path of the project. */
  readonly directory: string;
  readonly name: string;
  /** The files written, relative to the project. */
  readonly files: readonly string[];
  /** The pyrots dependencies as written to package.json. */
  readonly dependencies: Readonly<Record<string, string>>;
}

/** Thrown when the project cannot be made as asked (an existing non-empty folder, a bad name). */
export class CreateError extends Error {}

/** Creates the project; throws {@link CreateError} before writing anything when it cannot. */
export function createProject(options: CreateOptions): CreatedProject {
  const directory = resolve(options.directory);
  const name = options.name ?? packageNameFrom(basename(directory));
  const problem = packageNameProblem(name);
  if (problem) throw new CreateError(`invalid package name ${JSON.stringify(name)}: ${problem}`);
  if (existsSync(directory)) {
    if (!statSync(directory).isDirectory()) throw new CreateError(`${directory} exists and is not a folder`);
    if (readdirSync(directory).length > 0) throw new CreateError(`${directory} is not empty: name a new folder (or an empty one)`);
  }
  const objectPrefix = name.split("/").pop()!;
  const files: string[] = [];
  for (const file of templateFiles(TEMPLATE_DIR)) {
    const target = join(dirname(file), RENAMED[basename(file)] ?? basename(file));
    write(directory, target, readFileSync(join(TEMPLATE_DIR, file), "utf8").replace(NAME_TOKEN, objectPrefix));
    files.push(target);
  }
  const dependencies = dependencySpecs(options.pyrots, directory);
  write(directory, "package.json", `${JSON.stringify(manifest(name, dependencies), null, 2)}\n`);
  files.push("package.json");
  return { directory, name, files: files.sort(), dependencies };
}

/** The new project's package.json. */
function manifest(name: string, dependencies: Record<string, string>): Record<string, unknown> {
  return {
    name,
    version: "0.1.0",
    private: true,
    description: "A pyrots worker and client",
    type: "module",
    engines: { node: ">=20" },
    scripts: {
      build: "tsc",
      start: "tsc && node dist/demo.js",
      server: "node dist/server.js",
      client: "node dist/client.js",
      ns: "pyro-ns",
    },
    dependencies,
    devDependencies: DEV_DEPENDENCIES,
  };
}

/** A valid npm package name made from a folder name: lowercase, other characters as `-`. */
export function packageNameFrom(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, "-")
    .replace(/^[._-]+|-+$/g, "");
  return name === "" ? "pyrots-project" : name;
}

/** Why `name` is not a valid npm package name, or undefined when it is. */
export function packageNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 214) return "it must be 1 to 214 characters long";
  if (!/^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(name)) {
    return "use lowercase letters, digits, and - . _ ~ (optionally @scope/name), not starting with . or _";
  }
  return undefined;
}

function templateFiles(root: string, dir = ""): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? templateFiles(root, join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function write(directory: string, file: string, text: string): void {
  mkdirSync(dirname(join(directory, file)), { recursive: true });
  writeFileSync(join(directory, file), text);
}
