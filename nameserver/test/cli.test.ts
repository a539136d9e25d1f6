import net from "node:net";
import { join } from "node:path";
import { expect } from "chai";
import { type Child, runBin, startBin } from "./support/process.js";
import { tempDir } from "./support/ns.js";

/** Starts `pyro-ns` on loopback (never broadcasting or multicasting) and returns it with its port. */
async function startNs(extra: string[] = []): Promise<{ ns: Child; port: number; uri: string }> {
  const ns = startBin("ns", ["-n", "127.0.0.1", "-p", "0", "-x", "--no-mdns", ...extra]);
  const match = await ns.waitForLine(/^URI = (PYRO:Pyro\.NameServer@127\.0\.0\.1:(\d+))$/);
  return { ns, port: Number(match[2]), uri: match[1]! };
}

describe("pyro-ns and pyro-nsc", function () {
  this.timeout(30_000);
  let ns: Child;
  let port: number;
  let uri: string;
  const nsc = (...args: string[]) => runBin("nsc", ["-n", "127.0.0.1", "-p", String(port), ...args]);

  before(async () => ({ ns, port, uri } = await startNs()));
  after(() => ns.stop());

  it("pyro-ns says where it runs and why it does not broadcast", () => {
    expect(ns.lines).to.include("Not starting broadcast server (disabled).");
    expect(ns.lines).to.include("mDNS: off (disabled)");
    expect(ns.lines).to.include(`NS running on 127.0.0.1:${port}`);
  });

  it("ping, register, lookup, setmeta and list", async () => {
    expect(await nsc("ping")).to.include({ code: 0, stdout: "Name server ping ok.\n" });
    expect(await nsc("register", "cli.one", "PYRO:one@127.0.0.1:1111")).to.include({ code: 0, stdout: "Registered cli.one\n" });
    expect(await nsc("register", "cli.longer.name", "PYRO:two@127.0.0.1:2222")).to.include({ code: 0 });
    expect(await nsc("setmeta", "cli.one", "red", "round")).to.include({ code: 0, stdout: "Metadata updated\n" });
    expect(await nsc("lookup", "cli.one")).to.include({ code: 0, stdout: "PYRO:one@127.0.0.1:1111\nmetadata: red, round\n" });
    const listed = await nsc("list", "cli.");
    expect(listed.code).to.equal(0);
    expect(listed.stdout.split("\n")).to.deep.equal([
      "--------START LIST - prefix 'cli.'",
      "cli.longer.name --> PYRO:two@127.0.0.1:2222",
      "cli.one         --> PYRO:one@127.0.0.1:1111",
      "                    metadata: red, round",
      "--------END LIST (2 names)",
      "",
    ]);
    const all = await nsc("list");
    expect(all.stdout).to.include(`Pyro.NameServer --> ${uri}`);
    expect(all.stdout).to.include("metadata: class:Pyro4.naming.NameServer");
    expect((await nsc("listmatching", "cli\\.l")).stdout)
      .to.match(/cli\.longer\.name/)
      .and.not.match(/cli\.one/);
    expect((await nsc("listmeta_all", "red", "round")).stdout)
      .to.match(/cli\.one/)
      .and.not.match(/longer/);
    expect((await nsc("listmeta_any", "round", "nothing")).stdout).to.match(/\(1 name\)/);
    expect((await nsc("yplookup_all", "red")).stdout).to.match(/cli\.one +--> PYRO:one/);
    expect((await nsc("yplookup_any", "nothing")).stdout).to.match(/\(0 names\)/);
    expect(await nsc("setmeta", "cli.one")).to.include({ code: 0, stdout: "Metadata cleared\n" });
  });

  it("remove and removematching (no terminal: no question)", async () => {
    for (const name of ["rm.a", "rm.b", "rm.c"]) expect((await nsc("register", name, "PYRO:x@127.0.0.1:1")).code).to.equal(0);
    expect(await nsc("remove", "rm.a")).to.include({ code: 0, stdout: "Removed rm.a\n" });
    expect(await nsc("remove", "rm.a")).to.include({ code: 0, stdout: "Nothing removed\n" });
    expect(await nsc("removematching", "rm\\.")).to.include({ code: 0, stdout: "2 items removed.\n" });
    expect(await nsc("-y", "removematching", "nothing\\.")).to.include({ code: 0, stdout: "0 items removed.\n" });
  });

  it("fails with a clear message and exit code 1", async () => {
    const unknown = await nsc("lookup", "no.such.name");
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.match(/NamingError.*unknown name: no\.such\.name/);
    expect((await nsc("register", "dup.x", "PYRO:x@127.0.0.1:1")).code).to.equal(0);
    const dup = await nsc("register", "dup.x", "PYRO:x@127.0.0.1:1");
    expect(dup.code).to.equal(1);
    expect(dup.stderr).to.match(/name already registered: dup\.x/);
    const badRegex = await nsc("listmatching", "(");
    expect(badRegex.code).to.equal(1);
    expect(badRegex.stderr).to.match(/invalid regex/);
    const badUri = await nsc("register", "bad.uri", "PYRO:nolocation");
    expect(badUri.code).to.equal(1);
    expect(badUri.stderr).to.match(/invalid URI/);
  });

  it("usage errors exit with 2", async () => {
    for (const args of [[], ["frobnicate"], ["lookup"], ["register", "a"], ["listmeta_all"], ["ping", "extra"], ["--bogus", "ping"]]) {
      const result = await nsc(...args);
      expect(result.code, args.join(" ")).to.equal(2);
      expect(result.stderr, args.join(" ")).to.match(/^pyro-nsc: .*\nusage: pyro-nsc/);
    }
  });

  it("-v, -h and -V", async () => {
    const verbose = await nsc("-v", "ping");
    expect(verbose.stdout).to.equal(`Locating name server...\nName server found at the address given with -n/-p/-u: ${uri}\nName server ping ok.\nDone.\n`);
    expect((await runBin("nsc", ["-h"])).stdout).to.match(/^usage: pyro-nsc/);
    expect((await runBin("nsc", ["-V"])).stdout).to.match(/^pyro-nsc \(pyrots\) \d+\.\d+\.\d+/);
    expect((await runBin("ns", ["--help"])).stdout).to.match(/--autoclean SECONDS/);
    expect((await runBin("ns", ["--version"])).stdout).to.match(/^pyro-ns \(pyrots\) /);
  });

  it("pyro-nsc says when no name server answers", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const deadPort = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const result = await runBin("nsc", ["-n", "127.0.0.1", "-p", String(deadPort), "ping"]);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/Failed to locate the nameserver at 127\.0\.0\.1:\d+: connection refused/);
  });

  it("pyro-echoserver -n registers with the name server", async () => {
    const echo = startBin("echoserver", ["-H", "127.0.0.1", "-n"], { PYRO_NS_HOST: "127.0.0.1", PYRO_NS_PORT: String(port) });
    try {
      const echoUri = (await echo.waitForLine(/^echo uri: (PYRO:\S+)$/))[1]!;
      expect(await nsc("lookup", "test.echoserver")).to.include({ code: 0, stdout: `${echoUri}\n` });
    } finally {
      expect((await echo.stop()).code).to.equal(0);
    }
  });
});

describe("pyro-ns processes", function () {
  this.timeout(30_000);
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  it("shuts down cleanly on SIGINT and SIGTERM", async () => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      const { ns } = await startNs();
      process.kill(ns.pid, signal);
      expect(await ns.exited).to.deep.equal({ code: 0, signal: null });
      expect(ns.lines.at(-1)).to.equal("NS shut down.");
    }
  });

  it("keeps names in sql storage across restarts", async () => {
    const storage = `sql:${join(dir.path, "names.sqlite")}`;
    const first = await startNs(["-s", storage]);
    const nsc = (port: number, ...args: string[]) => runBin("nsc", ["-n", "127.0.0.1", "-p", String(port), ...args]);
    expect((await nsc(first.port, "register", "kept", "PYRO:k@127.0.0.1:5")).code).to.equal(0);
    expect((await nsc(first.port, "setmeta", "kept", "tag")).code).to.equal(0);
    await first.ns.stop();
    const second = await startNs(["-s", storage]);
    try {
      expect(second.ns.lines).to.include("Persistent store contains 1 existing registration.");
      expect(await nsc(second.port, "lookup", "kept")).to.include({ code: 0, stdout: "PYRO:k@127.0.0.1:5\nmetadata: tag\n" });
    } finally {
      await second.ns.stop();
    }
  });

  it("serves on a Unix socket", async () => {
    const socket = join(dir.path, "ns.sock");
    const ns = startBin("ns", ["-u", socket, "--no-mdns"]);
    try {
      await ns.waitForLine(/^URI = PYRO:Pyro\.NameServer@\.\/u:/);
      expect(ns.lines).to.include("Not starting broadcast server (not for a Unix socket name server).");
      expect(await runBin("nsc", ["-u", socket, "ping"])).to.include({ code: 0, stdout: "Name server ping ok.\n" });
    } finally {
      await ns.stop();
    }
  });

  it("neither broadcasts nor multicasts from localhost unless asked", async () => {
    const local = startBin("ns", ["-n", "127.0.0.1", "-p", "0"]);
    try {
      await local.waitForLine(/^URI = /);
      expect(local.lines).to.include("Not starting broadcast server (not for a name server on localhost).");
      expect(local.lines).to.include("mDNS: off (not for a name server on localhost)");
    } finally {
      await local.stop();
    }
  });

  it("refuses bad options with exit code 2", async () => {
    for (const args of [
      ["--autoclean", "1"],
      ["--autoclean", "x"],
      ["-s", "dbm:x"],
      ["-s", "sql:"],
      ["-p", "70000"],
      ["--bcport", "-1"],
      ["--mdns", "--no-mdns"],
      ["--what"],
    ]) {
      const result = await runBin("ns", args);
      expect(result.code, args.join(" ")).to.equal(2);
      expect(result.stderr, args.join(" ")).to.match(/^pyro-ns: /);
    }
  });

  it("pyro-echoserver -N starts its own name server and registers there", async () => {
    const echo = startBin("echoserver", ["-H", "127.0.0.1", "-N", "-v"], { PYRO_NS_PORT: "0" });
    try {
      const nsPort = (await echo.waitForLine(/^name server uri: PYRO:Pyro\.NameServer@127\.0\.0\.1:(\d+)$/))[1]!;
      const echoUri = (await echo.waitForLine(/^echo uri: (PYRO:\S+)$/))[1]!;
      expect(echo.lines).to.include("not using a broadcast server");
      expect(await runBin("nsc", ["-n", "127.0.0.1", "-p", nsPort, "lookup", "test.echoserver"])).to.include({ stdout: `${echoUri}\n` });
    } finally {
      expect((await echo.stop()).code).to.equal(0);
    }
  });
});
