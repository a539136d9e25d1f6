#!/usr/bin/env node
/**
 * Checks that every package that would be published (each workspace not marked `private`, or the
 * folders given as arguments) is fit to publish, from what `npm pack --dry-run` would put in it:
 *
 * - the manifest: description, keywords, license (the root's), repository (the root's URL, with
 *   the package's folder as `directory`), engines.node, files, main, types, exports (each entry
 *   with `types`), and sibling packages depended on at their current versions;
 * - the packed files: README.md and LICENSE; every entry point (main, types, each exports
 *   target, each bin) present; each bin executable and starting with `#!/usr/bin/env node`;
 *   no test files, no *.tsbuildinfo, no source maps unless the sources ship too.
 *
 * Also (for the whole repository): every workspace with a tsconfig.json is built by `npm run
 * build`, that is, referenced from the root tsconfig.json.
 *
 *     node tools/check-packages.mjs [DIR...]      exit 0: all fit; 1: problems, listed on stderr
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ROOT, binEntries, publicWorkspaces, readJson, workspaces } from "./workspaces.mjs";

const FORBIDDEN = [
  [/(^|\/)(test|tests|__tests__|dist-test)\//, "a test folder"],
  [/\.(test|spec)\.[cm]?[jt]sx?$/, "a test file"],
  [/\.tsbuildinfo$/, "a TypeScript build-info file"],
  [/(^|\/)node_modules\//, "node_modules"],
];

/** The files `npm pack` would publish from `dir`, with their modes. */
function packedFiles(dir) {
  const output = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const [report] = JSON.parse(output);
  return new Map(report.files.map((file) => [file.path, file.mode]));
}

/** Every file path an `exports` value names (conditions and subpaths, nested). */
function exportTargets(value) {
  if (typeof value === "string") return [value];
  if (value === null || typeof value !== "object") return [];
  return Object.values(value).flatMap(exportTargets);
}

/** `./dist/x.js` → `dist/x.js`. */
function normal(path) {
  return path.replace(/^\.\//, "");
}

/** The problems of the package in `dir`. */
function problemsOf(dir, root = readJson(join(ROOT, "package.json")), siblings = new Map()) {
  const problems = [];
  const manifest = readJson(join(dir, "package.json"));
  const need = (field, ok = (v) => v !== undefined && v !== "") => ok(manifest[field]) || problems.push(`package.json: "${field}" is missing or empty`);
  need("description");
  need("keywords", (v) => Array.isArray(v) && v.length > 0);
  need("engines", (v) => typeof v?.node === "string");
  need("files", (v) => Array.isArray(v) && v.length > 0);
  need("main");
  need("types");
  need("exports", (v) => v !== null && typeof v === "object" && "." in v);
  if (manifest.license !== root.license)
    problems.push(`package.json: "license" is ${JSON.stringify(manifest.license)}, the repository's is ${JSON.stringify(root.license)}`);
  const home = relative(ROOT, dir);
  const wantedDirectory = home.startsWith("..") ? undefined : home;
  if (manifest.repository?.url !== root.repository?.url || (wantedDirectory !== undefined && manifest.repository?.directory !== wantedDirectory)) {
    problems.push(
      `package.json: "repository" must be { "type": "git", "url": "${root.repository?.url}", "directory": "${wantedDirectory ?? "<its folder>"}" }`,
    );
  }
  for (const [subpath, entry] of Object.entries(manifest.exports ?? {})) {
    if (typeof entry !== "object" || entry === null || typeof entry.types !== "string") problems.push(`package.json: exports["${subpath}"] has no "types"`);
  }
  for (const [name, spec] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
    if (/^(file|link|workspace):/.test(spec)) problems.push(`package.json: dependency ${name} is "${spec}", which cannot be installed from the registry`);
    const sibling = siblings.get(name);
    if (sibling !== undefined && spec !== sibling && spec !== `^${sibling}`)
      problems.push(`package.json: dependency ${name} is "${spec}", but the repository has ${name}@${sibling}`);
  }

  const files = packedFiles(dir);
  for (const required of ["package.json", "README.md", "LICENSE"]) if (!files.has(required)) problems.push(`${required} would not be published`);
  const entryPoints = [manifest.main, manifest.types, ...exportTargets(manifest.exports)].filter((p) => typeof p === "string");
  for (const entry of new Set(entryPoints.map(normal)))
    if (!files.has(entry)) problems.push(`entry point ${entry} would not be published (build first, or fix "files")`);
  for (const [command, target] of binEntries(manifest)) {
    const file = normal(target);
    if (!files.has(file)) {
      problems.push(`bin ${command}: ${file} would not be published`);
      continue;
    }
    if ((files.get(file) & 0o111) === 0) problems.push(`bin ${command}: ${file} is not executable (chmod +x, and commit the mode)`);
    if (!readFileSync(join(dir, file), "utf8").startsWith("#!/usr/bin/env node\n"))
      problems.push(`bin ${command}: ${file} does not start with #!/usr/bin/env node`);
  }
  const shipsSources = [...files.keys()].some((path) => path.startsWith("src/"));
  for (const path of files.keys()) {
    for (const [pattern, what] of FORBIDDEN) if (pattern.test(path)) problems.push(`${path} would be published: ${what}`);
    if (path.endsWith(".map") && !shipsSources) problems.push(`${path} would be published: a source map without the sources it maps to`);
  }
  return { manifest, problems, fileCount: files.size };
}

/** Workspaces whose tsconfig.json the root tsconfig.json does not reference: `npm run build` skips them. */
function unbuiltWorkspaces() {
  const references = new Set((readJson(join(ROOT, "tsconfig.json")).references ?? []).map((ref) => resolve(ROOT, ref.path)));
  return workspaces()
    .filter(({ path }) => existsSync(join(path, "tsconfig.json")) && !references.has(resolve(path)))
    .map(({ dir }) => `${dir}: has a tsconfig.json, but the root tsconfig.json does not reference it, so \`npm run build\` skips it`);
}

function main() {
  const dirs = process.argv.length > 2 ? process.argv.slice(2).map((dir) => resolve(dir)) : publicWorkspaces().map(({ path }) => path);
  const root = readJson(join(ROOT, "package.json"));
  const siblings = new Map(workspaces().map(({ manifest }) => [manifest.name, manifest.version]));
  let failed = 0;
  const repositoryProblems = process.argv.length > 2 ? [] : unbuiltWorkspaces();
  for (const problem of repositoryProblems) process.stderr.write(`repository: ${problem}\n`);
  for (const dir of dirs) {
    const { manifest, problems, fileCount } = problemsOf(dir, root, siblings);
    if (problems.length === 0) {
      process.stdout.write(`${manifest.name}@${manifest.version}: ${fileCount} files, fit to publish\n`);
      continue;
    }
    failed += 1;
    process.stderr.write(
      `${manifest.name ?? dir}: ${problems.length} problem${problems.length === 1 ? "" : "s"}\n${problems.map((p) => `  - ${p}\n`).join("")}`,
    );
  }
  if (failed > 0 || repositoryProblems.length > 0) {
    process.stderr.write(
      `check-packages: ${failed} of ${dirs.length} packages not fit to publish${repositoryProblems.length ? `, ${repositoryProblems.length} repository problems` : ""}\n`,
    );
    process.exitCode = 1;
  }
}

main();
