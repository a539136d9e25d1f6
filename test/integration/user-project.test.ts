/**
 * A user's own project, made and run exactly as README.md ("Your own project") documents, in the
 * two settings it describes: depending on a clone of this repository by path, and on the packed
 * tarballs installed into a fresh folder outside the repository. Each builds the template and
 * runs it: a name server, the worker and the client on 127.0.0.1, exit 0.
 *
 * npm resolves the packages' own dependencies from its cache (`--prefer-offline`); `npm ci`
 * for this repository has put them there.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { expect } from "chai";
import { runOk, shellEnv } from "../support/npm.js";
import { type Spawned, runProcess, spawnProcess } from "../support/process.js";
import { REPO_ROOT, publicWorkspaces } from "../support/workspaces.js";

const INSTALL = ["install", "--prefer-offline", "--no-audit", "--no-fund"];

/** What `npm start` of a new project named `name` prints. */
function expectStartOutput(stdout: string, name: string): void {
  expect(stdout).to.match(/^name server: PYRO:Pyro\.NameServer@127\.0\.0\.1:\d+$/m);
  expect(stdout).to.match(new RegExp(`^worker: ready: ${name}\\.greeter -> PYRO:${name}\\.greeter@127\\.0\\.0\\.1:\\d+$`, "m"));
  expect(stdout).to.match(/^client: Hello, pyrots! \(greeting 1 on this connection\)$/m);
  expect(stdout).to.match(/^client: Hello, again! \(greeting 2 on this connection\)$/m);
  expect(stdout).to.match(/^client: squares: 1, 4, 9, 16 \(\d+ ms for four concurrent calls\)$/m);
  expect(stdout).to.match(/^done: worker stopped, name server closed$/m);
}

/** Removes what `npx --package <tarball>` installed in npm's cache for tarballs under `dir`. */
function removeNpxInstallsOf(dir: string): void {
  const npxDir = join(process.env.npm_config_cache ?? join(homedir(), ".npm"), "_npx");
  if (!existsSync(npxDir)) return;
  for (const entry of readdirSync(npxDir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(npxDir, entry, "package.json"), "utf8")) as { _npx?: { packages?: string[] } };
      const packages = manifest._npx?.packages ?? [];
      if (packages.length > 0 && packages.every((spec) => spec.startsWith(dir))) rmSync(join(npxDir, entry), { recursive: true, force: true });
    } catch {
      // Not an npx install of ours (or already gone).
    }
  }
}

describe("a user's own project (README: Your own project)", function () {
  this.timeout(120_000);
  let temp: string;

  before(() => {
    temp = mkdtempSync(join(tmpdir(), "pyrots-user-"));
  });

  after(() => {
    rmSync(temp, { recursive: true, force: true });
    removeNpxInstallsOf(temp);
  });

  it("from a clone: npx pyrots-create DIR; npm install; npm start", async () => {
    const lockfile = readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8");
    const project = join(temp, "clone-app");
    const created = await runOk("npx", ["--no-install", "pyrots-create", project], REPO_ROOT);
    expect(created.stdout).to.include(`The pyrots packages come from the clone at`);
    const manifest = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(manifest.dependencies["@pyrots/core"]).to.match(/^file:.*packages\/core$/);

    await runOk("npm", INSTALL, project);
    const started = await runOk("npm", ["start"], project);
    expectStartOutput(started.stdout, "clone-app");
    // The commands come with the linked @pyrots/nameserver, never from the registry.
    expect((await runOk("npx", ["--no-install", "pyro-ns", "--version"], project)).stdout).to.match(/^pyro-ns \(pyrots\) /);
    // The clone is untouched: its own `npm ci` still works.
    expect(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")).to.equal(lockfile);
  });

  describe("from the packed tarballs, outside the repository", () => {
    let tarballs: Map<string, string>;
    let project: string;

    before(async function () {
      this.timeout(60_000);
      const packed = await runOk(process.execPath, [join(REPO_ROOT, "tools", "pack-packages.mjs"), join(temp, "packages")], REPO_ROOT);
      const files = packed.stdout.split("\n").filter((line) => line.endsWith(".tgz"));
      // pyrots-nameserver-0.1.0.tgz belongs to @pyrots/nameserver.
      tarballs = new Map(
        publicWorkspaces().map(({ manifest }) => [
          manifest.name,
          files.find((f) => basename(f) === `${manifest.name.slice(1).replace("/", "-")}-${manifest.version}.tgz`)!,
        ]),
      );
      for (const [name, file] of tarballs) expect(file, `the tarball of ${name}`).to.be.a("string");
      project = join(temp, "my-app");
    });

    it("npx --package … pyrots-create my-app; npm install <tarballs>; npm start", async () => {
      await runOk("npx", ["--yes", "--package", tarballs.get("@pyrots/core")!, "--package", tarballs.get("@pyrots/create")!, "pyrots-create", "my-app"], temp);
      // Every package the repository publishes, except the project maker itself.
      const runtime = [...tarballs].filter(([name]) => name !== "@pyrots/create").map(([, file]) => file);
      await runOk("npm", [...INSTALL, ...runtime], project);
      const manifest = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as { dependencies: Record<string, string> };
      expect(manifest.dependencies["@pyrots/core"]).to.match(/^file:.*pyrots-core-.*\.tgz$/);
      const started = await runOk("npm", ["start"], project);
      expectStartOutput(started.stdout, "my-app");
    });

    it("its commands are installed: npx --no-install pyro-ns --version", async () => {
      const result = await runOk("npx", ["--no-install", "pyro-ns", "--version"], project);
      expect(result.stdout).to.match(/^pyro-ns \(pyrots\) \d+\.\d+\.\d+$/);
    });

    it("the parts by hand, as the project's README says: pyro-ns, the server, npx pyro-nsc list, npm run client", async () => {
      const scripts = (JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
      expect(scripts.server).to.equal("node dist/server.js");
      const children: Spawned[] = [];
      const start = (command: string, args: string[], env: Record<string, string> = {}) => {
        const child = spawnProcess(command, args, { cwd: project, env: shellEnv(env) });
        children.push(child);
        return child;
      };
      try {
        // The long-running two run without their npx/npm wrapper (what `npx pyro-ns` and `npm run
        // server` start): a wrapper stopped by its pid would leave its child running.
        const ns = start(join(project, "node_modules", ".bin", "pyro-ns"), ["-n", "127.0.0.1", "-p", "0", "-x", "--no-mdns"]);
        const port = (await ns.waitForLine(/^URI = PYRO:Pyro\.NameServer@127\.0\.0\.1:(\d+)$/, 20_000))[1]!;
        // Where the name server is, as a user on another port would say it; no broadcast, no mDNS.
        const env = { PYRO_HOST: "127.0.0.1", PYRO_NS_HOST: "127.0.0.1", PYRO_NS_PORT: port, PYRO_NS_DISCOVERY: "" };
        const worker = start(process.execPath, ["dist/server.js"], env);
        await worker.waitForLine(/^ready: my-app\.greeter -> PYRO:my-app\.greeter@127\.0\.0\.1:\d+$/, 20_000);
        const listed = await runOk("npx", ["--no-install", "pyro-nsc", "list"], project, 30_000, env);
        expect(listed.stdout).to.match(/^my-app\.greeter +--> PYRO:my-app\.greeter@127\.0\.0\.1:\d+$/m);
        const client = await runOk("npm", ["run", "-s", "client"], project, 30_000, env);
        expect(client.stdout).to.match(/^Hello, pyrots! \(greeting 1 on this connection\)$/m);
      } finally {
        for (const child of children.reverse()) await child.stop();
      }
    });

    it("sql: storage without better-sqlite3 says what to install, exit 1", async () => {
      const result = await runProcess("npx", ["--no-install", "pyro-ns", "-n", "127.0.0.1", "-p", "0", "-x", "--no-mdns", "-s", "sql:names.db"], {
        cwd: project,
        env: shellEnv(),
        timeoutMs: 30_000,
      });
      expect(result.code).to.equal(1);
      expect(result.stderr).to.include(
        "pyro-ns: sql storage needs the better-sqlite3 package: install it beside @pyrots/nameserver (npm install better-sqlite3@12)",
      );
    });
  });
});
