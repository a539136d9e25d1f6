/**
 * The packages as they would be published and installed: `tools/check-packages.mjs` passes for
 * every published workspace (and fails a package that would publish test files or miss an entry
 * point), every command is linked by `npm ci` before any build, and the root lockfile matches
 * every workspace, so `npm ci` succeeds.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect } from "chai";
import { shellEnv as npmEnv } from "../support/npm.js";
import { runProcess } from "../support/process.js";
import { REPO_ROOT, binsOf, publicWorkspaces, workspaces } from "../support/workspaces.js";

const CHECK = join(REPO_ROOT, "tools", "check-packages.mjs");

describe("packages, as published", function () {
  this.timeout(60_000);
  const temp: string[] = [];
  const tempDir = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    temp.push(dir);
    return dir;
  };
  after(() => temp.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it("every published workspace is fit to publish (tools/check-packages.mjs)", async () => {
    const result = await runProcess(process.execPath, [CHECK], { cwd: REPO_ROOT, env: npmEnv(), timeoutMs: 50_000 });
    expect(result.code, result.stderr).to.equal(0);
    for (const { manifest } of publicWorkspaces()) expect(result.stdout).to.include(`${manifest.name}@${manifest.version}: `);
  });

  it("the check fails a package that would publish test files, source maps or a broken bin, or miss an entry point", async () => {
    const dir = tempDir("pyrots-badpkg-");
    const manifest = {
      name: "@pyrots/bad",
      version: "0.1.0",
      description: "a package with every mistake",
      keywords: ["x"],
      license: "MIT",
      repository: { type: "git", url: "git+https://github.com/pyrots/pyrots.git" },
      type: "module",
      engines: { node: ">=20" },
      main: "./dist/index.js",
      types: "./dist/index.d.ts",
      exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" }, "./extra": "./dist/extra.js" },
      bin: { bad: "./dist/bin.js" },
      files: ["dist"],
    };
    const files: Record<string, string> = {
      "package.json": JSON.stringify(manifest),
      "dist/index.js": "export {};\n",
      "dist/bin.js": "console.log('no shebang');\n",
      "dist/index.test.js": "\n",
      "dist/index.js.map": "{}\n",
      "dist/test/helper.js": "\n",
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const result = await runProcess(process.execPath, [CHECK, dir], { cwd: REPO_ROOT, env: npmEnv(), timeoutMs: 30_000 });
    expect(result.code).to.equal(1);
    for (const problem of [
      "README.md would not be published",
      "LICENSE would not be published",
      "entry point dist/index.d.ts would not be published",
      "entry point dist/extra.js would not be published",
      'exports["./extra"] has no "types"',
      "bin bad: dist/bin.js is not executable",
      "bin bad: dist/bin.js does not start with #!/usr/bin/env node",
      "dist/index.test.js would be published: a test file",
      "dist/test/helper.js would be published: a test folder",
      "dist/index.js.map would be published: a source map without the sources it maps to",
    ]) {
      expect(result.stderr).to.include(problem);
    }
    expect(result.stderr).to.include("check-packages: 1 of 1 packages not fit to publish");
  });

  it("every command is a committed, executable file, so `npm ci` links it before any build", () => {
    const tracked = execFileSync("git", ["ls-files", "-s"], { cwd: REPO_ROOT, encoding: "utf8" });
    const modes = new Map(tracked.split("\n").map((line) => [line.split("\t")[1], line.split(" ")[0]]));
    for (const workspace of publicWorkspaces()) {
      for (const [command, file] of Object.entries(binsOf(workspace))) {
        const path = join(workspace.dir, file.replace(/^\.\//, ""));
        expect(modes.get(path), `${command}: ${path} must be committed with mode 100755`).to.equal("100755");
      }
    }
  });

  it("`npx --no-install pyro-ns --version` works at the root after `npm ci && npm run build`", async () => {
    const result = await runProcess("npx", ["--no-install", "pyro-ns", "--version"], { cwd: REPO_ROOT, env: npmEnv(), timeoutMs: 30_000 });
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^pyro-ns \(pyrots\) \d+\.\d+\.\d+$/);
  });

  it("the root lockfile matches every workspace's package.json: `npm ci` would succeed", async () => {
    // npm ci --dry-run on a copy of the manifests: it refuses a stale lockfile without touching node_modules.
    const copy = tempDir("pyrots-lockcheck-");
    for (const file of ["package.json", "package-lock.json", ...workspaces().map(({ dir }) => join(dir, "package.json"))]) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      copyFileSync(join(REPO_ROOT, file), join(copy, file));
    }
    const result = await runProcess("npm", ["ci", "--dry-run", "--ignore-scripts", "--offline", "--no-audit", "--no-fund"], {
      cwd: copy,
      env: npmEnv(),
      timeoutMs: 50_000,
    });
    expect(result.code, `npm ci --dry-run: ${result.stderr}`).to.equal(0);
  });
});
