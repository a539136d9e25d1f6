/**
 * `pyro-nsc` as users run it: `-v` says where it looked for the name server and how it found it;
 * `--help` lists each command once. A real `pyro-ns` child on 127.0.0.1 (no broadcast, no mDNS).
 */
import { expect } from "chai";
import { fileURLToPath } from "node:url";
import { cleanEnv } from "../support/clean-env.js";
import { type Spawned, runProcess, spawnProcess } from "../support/process.js";

const BIN = fileURLToPath(new URL("../../../nameserver/bin/", import.meta.url));

function nsc(args: string[], env: Record<string, string> = {}) {
  return runProcess(process.execPath, [`${BIN}pyro-nsc.js`, ...args], { env: cleanEnv(env), timeoutMs: 15_000 });
}

describe("pyro-nsc", function () {
  this.timeout(30_000);
  let ns: Spawned;
  let port: string;

  before(async () => {
    ns = spawnProcess(process.execPath, [`${BIN}pyro-ns.js`, "-n", "127.0.0.1", "-p", "0", "-x", "--no-mdns"], { env: cleanEnv() });
    port = (await ns.waitForLine(/^URI = PYRO:Pyro\.NameServer@127\.0\.0\.1:(\d+)$/))[1]!;
  });

  after(async () => {
    await ns?.stop();
  });

  it("-v with -n/-p: found at the given address", async () => {
    const result = await nsc(["-v", "-n", "127.0.0.1", "-p", port, "ping"]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout.split("\n")).to.deep.equal([
      "Locating name server...",
      `Name server found at the address given with -n/-p/-u: PYRO:Pyro.NameServer@127.0.0.1:${port}`,
      "Name server ping ok.",
      "Done.",
    ]);
  });

  it("-v through PYRO_NS_HOST: each address tried, with why it failed, then how it was found", async () => {
    // A closed port first (port 1 on loopback refuses), then the real one: NS_HOST replicas.
    const result = await nsc(["-v", "ping"], { PYRO_NS_HOST: `127.0.0.1:1,127.0.0.1:${port}`, PYRO_NS_DISCOVERY: "" });
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.include(
      `Locating name server...\n  127.0.0.1:1: connection refused\nName server found at NS_HOST (PYRO_NS_HOST, default localhost): PYRO:Pyro.NameServer@127.0.0.1:${port}\n`,
    );
  });

  it("-v when nothing answers: every step, then the error, exit 1", async () => {
    const result = await nsc(["-v", "ping"], { PYRO_NS_HOST: "127.0.0.1:1", PYRO_NS_DISCOVERY: "" });
    expect(result.code).to.equal(1);
    expect(result.stdout).to.equal("Locating name server...\n  127.0.0.1:1: connection refused\n  no broadcast (turned off)\n  no mDNS (turned off)");
    expect(result.stderr).to.match(/^pyro-nsc: no name server found: tried 127\.0\.0\.1:1 \(connection refused\)/);
  });

  it("--help lists each command once", async () => {
    const result = await nsc(["--help"]);
    expect(result.code).to.equal(0);
    // Names that appear nowhere else in the text (unlike "list" or "remove").
    for (const command of ["listmatching", "listmeta_all", "listmeta_any", "yplookup_all", "yplookup_any", "setmeta"]) {
      expect(result.stdout.split(command), command).to.have.length(2);
    }
    expect(result.stdout.split("Commands:")).to.have.length(2);
  });
});
