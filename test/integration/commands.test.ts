/**
 * Every command-line tool answers `--help`/`-h` and `--version`/`-V`, and rejects an unknown flag
 * with its usage and exit code 2. The list comes from nameserver/package.json's `bin`, so a new
 * tool is covered as soon as it is declared. Also: what `pyro-check-config` prints.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { runProcess } from "@pyrots/test-support";

const NAMESERVER_DIR = fileURLToPath(new URL("../../../nameserver/", import.meta.url));
const manifest = JSON.parse(readFileSync(NAMESERVER_DIR + "package.json", "utf8")) as { version: string; bin: Record<string, string> };

/** Runs a bin with `node` and a clean environment (no PYRO_* from the caller). */
function run(bin: string, args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("PYRO_") && key !== "DEBUG"));
  return runProcess(process.execPath, [NAMESERVER_DIR + manifest.bin[bin]!, ...args], { env: { ...clean, ...env }, timeoutMs: 15_000 });
}

describe("command-line tools", function () {
  this.timeout(30_000);

  for (const bin of Object.keys(manifest.bin)) {
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
          expect(result.stdout.trim()).to.equal(`${bin} (pyrots) ${manifest.version}`);
        }
      });

      it("an unknown flag prints the problem and the usage on stderr, exit 2", async () => {
        const result = await run(bin, ["--no-such-flag"]);
        expect(result.code).to.equal(2);
        expect(result.stderr).to.include(`${bin}: Unknown option '--no-such-flag'`).and.include(`usage: ${bin} `);
      });
    });
  }

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
