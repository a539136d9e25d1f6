/**
 * Every command-line tool answers `--help`/`-h` and `--version`/`-V`, rejects an unknown flag
 * with its usage and exit code 2, and names the closest flag for a mistyped one. The list comes
 * from the `bin` of every published workspace package, so a new tool is covered as soon as it is
 * declared. Also: what `pyro-check-config` prints.
 */
import { expect } from "chai";
import { cleanEnv } from "../support/clean-env.js";
import { runProcess } from "../support/process.js";
import { binsOf, publicWorkspaces } from "../support/workspaces.js";

/** Every command: its package's folder and version, and its file. */
const COMMANDS = new Map(
  publicWorkspaces().flatMap((workspace) =>
    Object.entries(binsOf(workspace)).map(([bin, file]) => [bin, { file: workspace.path + file, version: workspace.manifest.version }]),
  ),
);

/** Runs a bin with `node` and a clean environment (no PYRO_* from the caller). */
function run(bin: string, args: string[], env: Record<string, string> = {}) {
  return runProcess(process.execPath, [COMMANDS.get(bin)!.file, ...args], { env: cleanEnv(env), timeoutMs: 15_000 });
}

/** `--host` → `--hots`: the last two letters swapped. */
function typo(flag: string): string {
  return flag.slice(0, -2) + flag.at(-1) + flag.at(-2);
}

describe("command-line tools", function () {
  this.timeout(30_000);

  it("are found: every published package's bin", () => {
    expect([...COMMANDS.keys()]).to.include.members(["pyro-ns", "pyro-nsc", "pyro-echoserver", "pyro-check-config", "pyrots-create"]);
  });

  for (const bin of COMMANDS.keys()) {
    describe(bin, () => {
      it("--help and -h print the usage, exit 0", async () => {
        for (const flag of ["--help", "-h"]) {
          const result = await run(bin, [flag]);
          expect(result.code, result.stderr).to.equal(0);
          expect(result.stdout).to.match(new RegExp(`^usage: ${bin} `));
          expect(result.stdout).to.include("--version");
        }
      });

      it("--version and -V print the version, exit 0", async () => {
        for (const flag of ["--version", "-V"]) {
          const result = await run(bin, [flag]);
          expect(result.code, result.stderr).to.equal(0);
          expect(result.stdout.trim()).to.equal(`${bin} (pyrots) ${COMMANDS.get(bin)!.version}`);
        }
      });

      it("an unknown flag prints the problem and the usage on stderr, exit 2", async () => {
        const result = await run(bin, ["--no-such-flag"]);
        expect(result.code).to.equal(2);
        expect(result.stderr).to.include(`${bin}: unknown option --no-such-flag\n`).and.include(`usage: ${bin} `);
      });

      it("a mistyped flag gets the closest one suggested, exit 2", async () => {
        const help = await run(bin, ["--help"]);
        const flag = [...help.stdout.matchAll(/^ +(?:-\w, )?(--[a-z][a-z-]{3,})/gm)].map((m) => m[1]!).find((f) => f !== "--help" && f !== "--version");
        expect(flag, `a long flag in the usage of ${bin}`).to.be.a("string");
        const result = await run(bin, [typo(flag!)]);
        expect(result.code).to.equal(2);
        expect(result.stderr).to.include(`${bin}: unknown option ${typo(flag!)}; did you mean ${flag}?`);
      });
    });
  }

  it("pyro-ns --hots: did you mean --host", async () => {
    const result = await run("pyro-ns", ["--hots", "127.0.0.1"]);
    expect(result.code).to.equal(2);
    expect(result.stderr.split("\n")[0]).to.equal("pyro-ns: unknown option --hots; did you mean --host?");
  });

  describe("an environment shared with Python Pyro programs", () => {
    it("what the README tells Python daemons to set starts pyrots programs with one warning line, not an error", async () => {
      const result = await run("pyro-check-config", [], { PYRO_SERIALIZERS_ACCEPTED: "serpent,json,marshal,msgpack", PYRO_SERVERTYPE: "multiplex" });
      expect(result.code, result.stderr).to.equal(0);
      const warnings = result.stderr.trim().split("\n");
      expect(warnings).to.have.length(2);
      expect(warnings).to.include("pyrots: warning: PYRO_SERVERTYPE is a Pyro4 setting that pyrots does not use; ignored");
      expect(warnings.find((w) => w.includes("SERIALIZERS_ACCEPTED"))).to.match(/does not speak .*marshal; ignored here/);
      expect(result.stdout.split("\n").find((l) => l.startsWith("SERIALIZERS_ACCEPTED "))).to.match(/ serpent,json,msgpack +environment$/);
    });

    it("a value that is not a Pyro setting at all still stops the program, exit 1", async () => {
      const result = await run("pyro-check-config", [], { PYRO_SERIALIZERS_ACCEPTED: "json,yaml" });
      expect(result.code).to.equal(1);
      expect(result.stderr).to.include("invalid value for PYRO_SERIALIZERS_ACCEPTED");
    });
  });

  describe("pyro-check-config output", () => {
    it("shows each value with its source: default, environment, option", async () => {
      const result = await run("pyro-check-config", ["-o", "COMMTIMEOUT=2.5"], { PYRO_NS_PORT: "9999" });
      expect(result.code, result.stderr).to.equal(0);
      const lines = result.stdout.split("\n");
      expect(lines[0]).to.match(/^item +environment variable +option +value +source$/);
      expect(lines.find((l) => l.startsWith("NS_PORT "))).to.match(/^NS_PORT +PYRO_NS_PORT +nsPort +9999 +environment$/);
      expect(lines.find((l) => l.startsWith("COMMTIMEOUT "))).to.match(/ 2\.5 +option$/);
      expect(lines.find((l) => l.startsWith("HOST "))).to.match(/ localhost +default$/);
      expect(result.stdout).to.match(/\d+ items: \d+ default, 1 from the environment, 1 from options/);
    });

    it("--json prints the rows, secrets masked", async () => {
      const result = await run("pyro-check-config", ["--json"], { PYRO_HMAC_KEY: "s3cret" });
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).not.to.include("s3cret");
      const rows = JSON.parse(result.stdout) as { name: string; value: unknown; source: string }[];
      expect(rows.find((r) => r.name === "HMAC_KEY")).to.deep.include({ value: "(set)", source: "environment" });
      expect(rows.find((r) => r.name === "NS_PORT")).to.deep.include({ value: 9090, source: "default" });
    });

    it("an unknown PYRO_ variable is an error with a suggestion, exit 1", async () => {
      const result = await run("pyro-check-config", [], { PYRO_NSHOST: "x" });
      expect(result.code).to.equal(1);
      expect(result.stderr).to.include("unknown config environment variable PYRO_NSHOST; did you mean PYRO_NS_HOST?");
    });

    it("a bad --option is a usage error, exit 2", async () => {
      const result = await run("pyro-check-config", ["-o", "NSPORT=1"]);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.include("unknown config item NSPORT; did you mean NS_PORT?");
    });
  });
});
