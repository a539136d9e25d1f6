/**
 * `pyrots-create` as users run it (a child process): what it writes, where the pyrots packages
 * come from, and what it refuses. Building and running the result is user-project.test.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect } from "chai";
import { cleanEnv } from "../support/clean-env.js";
import { runProcess } from "../support/process.js";
import { REPO_ROOT } from "../support/workspaces.js";

const CREATE = join(REPO_ROOT, "packages", "create", "bin", "pyrots-create.js");
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, "packages", "create", "package.json"), "utf8")) as { version: string }).version;

interface Manifest {
  name: string;
  type: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

describe("pyrots-create", function () {
  this.timeout(30_000);
  let temp: string;
  const create = (args: string[]) => runProcess(process.execPath, [CREATE, ...args], { cwd: temp, env: cleanEnv(), timeoutMs: 15_000 });
  const manifestOf = (dir: string) => JSON.parse(readFileSync(join(temp, dir, "package.json"), "utf8")) as Manifest;

  beforeEach(() => {
    temp = mkdtempSync(join(tmpdir(), "pyrots-create-"));
  });
  afterEach(() => rmSync(temp, { recursive: true, force: true }));

  it("writes the worker, the client, the demo, package.json, tsconfig.json, README and .gitignore", async () => {
    const result = await create(["My App"]);
    expect(result.code, result.stderr).to.equal(0);
    for (const file of ["src/api.ts", "src/server.ts", "src/client.ts", "src/demo.ts", "tsconfig.json", "README.md", ".gitignore", "package.json"]) {
      expect(existsSync(join(temp, "My App", file)), file).to.equal(true);
    }
    const manifest = manifestOf("My App");
    expect(manifest.name).to.equal("my-app");
    expect(manifest.type).to.equal("module");
    expect(manifest.scripts).to.include({ build: "tsc", start: "tsc && node dist/demo.js", server: "node dist/server.js", client: "node dist/client.js" });
    expect(manifest.devDependencies).to.have.keys("typescript", "@types/node");
    expect(readFileSync(join(temp, "My App", "src", "api.ts"), "utf8")).to.include('GREETER_NAME = "my-app.greeter"');
    const tsconfig = JSON.parse(readFileSync(join(temp, "My App", "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions).to.include({ experimentalDecorators: true, emitDecoratorMetadata: true, rootDir: "src", outDir: "dist" });
    expect(result.stdout).to.include("Next:\n  cd 'My App'\n  npm install\n  npm start");
  });

  it("run from a clone, it links the clone's packages by path", async () => {
    const result = await create(["app"]);
    expect(result.code, result.stderr).to.equal(0);
    const { dependencies } = manifestOf("app");
    expect(Object.keys(dependencies).sort()).to.deep.equal(["@pyrots/core", "@pyrots/nameserver"]);
    expect(resolve(temp, "app", dependencies["@pyrots/core"]!.replace(/^file:/, ""))).to.equal(join(REPO_ROOT, "packages", "core"));
    expect(resolve(temp, "app", dependencies["@pyrots/nameserver"]!.replace(/^file:/, ""))).to.equal(join(REPO_ROOT, "nameserver"));
  });

  it("--no-link: the published versions", async () => {
    const result = await create(["--no-link", "app"]);
    expect(result.code, result.stderr).to.equal(0);
    expect(manifestOf("app").dependencies).to.deep.equal({ "@pyrots/core": `^${VERSION}`, "@pyrots/nameserver": `^${VERSION}` });
    expect(result.stdout).to.include("npm install path/to/pyrots-core-*.tgz");
  });

  it("refuses a folder that is not empty, a bad name, a --link that is no clone, a missing DIRECTORY: exit 2, nothing written", async () => {
    mkdirSync(join(temp, "busy"));
    writeFileSync(join(temp, "busy", "notes.txt"), "mine\n");
    const cases: [string[], string][] = [
      [["busy"], "is not empty"],
      [["--name", "Bad Name", "app"], 'invalid package name "Bad Name"'],
      [["--link", temp, "app"], "is not a pyrots clone"],
      [["--link", REPO_ROOT, "--no-link", "app"], "--link and --no-link contradict each other"],
      [[], "missing DIRECTORY"],
    ];
    for (const [args, message] of cases) {
      const result = await create(args);
      expect(result.code, args.join(" ")).to.equal(2);
      expect(result.stderr).to.include(message).and.include("usage: pyrots-create");
    }
    expect(readFileSync(join(temp, "busy", "notes.txt"), "utf8")).to.equal("mine\n");
    expect(existsSync(join(temp, "app"))).to.equal(false);
  });
});
