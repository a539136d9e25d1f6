/**
 * What peers can make the command-line tools show: pyro-nsc prints every string the name server
 * sends escaped (no escape sequence or forged line reaches the terminal), and pyro-ns can keep its
 * tracebacks to itself.
 */
import { expect } from "chai";
import { NamingError, Proxy, callWithKwargs } from "@pyrots/core";
import { printable } from "@pyrots/nameserver";
import { runBin, startBin } from "./support/process.js";
import type { Spawned } from "@pyrots/test-support";

async function startNs(extra: string[] = []): Promise<{ ns: Spawned; port: number; uri: string }> {
  const ns = startBin("ns", ["-n", "127.0.0.1", "-p", "0", "-x", "--no-mdns", ...extra]);
  const match = await ns.waitForLine(/^URI = (PYRO:Pyro\.NameServer@127\.0\.0\.1:(\d+))$/);
  return { ns, port: Number(match[2]), uri: match[1]! };
}

/** Anything a terminal would act on rather than show. */
const TERMINAL_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/;

describe("printable", () => {
  it("leaves plain text alone and shows everything else as Python's repr would", () => {
    expect(printable("my.obj")).to.equal("my.obj");
    expect(printable("PYRO:obj@127.0.0.1:9090")).to.equal("PYRO:obj@127.0.0.1:9090");
    expect(printable("héllo.wörld")).to.equal("héllo.wörld");
    expect(printable("evil\n\x1b[2J")).to.equal("'evil\\n\\x1b[2J'");
    expect(printable("a\rb\tc")).to.equal("'a\\rb\\tc'");
    expect(printable("abc\u202edef")).to.equal("'abc\\u202edef'");
    expect(printable("zero\u200bwidth")).to.equal("'zero\\u200bwidth'");
    expect(printable("two words")).to.equal("'two words'");
    expect(printable("it's")).to.equal("'it\\'s'");
    expect(printable("back\\slash")).to.equal("'back\\\\slash'");
    expect(printable("\ud800lone")).to.equal("'\\ud800lone'");
    expect(printable("\u{e0001}tag")).to.equal("'\\U000e0001tag'");
  });
});

describe("pyro-nsc and hostile registrations", function () {
  this.timeout(30_000);
  let ns: Spawned;
  let port: number;
  const nsc = (...args: string[]) => runBin("nsc", ["-n", "127.0.0.1", "-p", String(port), ...args]);

  before(async () => {
    ({ ns, port } = await startNs());
    await using proxy = new Proxy(`PYRO:Pyro.NameServer@127.0.0.1:${port}`, { env: {} });
    await callWithKwargs(proxy, "register", ["evil\x1b[2J\u202etxt", "PYRO:obj@127.0.0.1:1"], {
      metadata: ["x\n--------END LIST (0 names)", "\x07bell", "ok"],
    });
  });
  after(() => ns.stop());

  it("list shows names and metadata escaped, on the lines they belong to", async () => {
    const listed = await nsc("list", "evil");
    expect(listed.code).to.equal(0);
    expect(listed.stdout).to.not.match(TERMINAL_CONTROL);
    expect(listed.stdout.split("\n")).to.deep.equal([
      "--------START LIST - prefix 'evil'",
      "'evil\\x1b[2J\\u202etxt' --> PYRO:obj@127.0.0.1:1",
      "                           metadata: '\\x07bell', ok, 'x\\n--------END LIST (0 names)'",
      "--------END LIST (1 name)",
      "",
    ]);
  });

  it("lookup, yplookup and error messages are escaped too", async () => {
    const looked = await nsc("lookup", "evil\x1b[2J\u202etxt");
    expect(looked.stdout).to.equal("PYRO:obj@127.0.0.1:1\nmetadata: '\\x07bell', ok, 'x\\n--------END LIST (0 names)'\n");
    const found = await nsc("yplookup_any", "ok");
    expect(found.stdout).to.include("'evil\\x1b[2J\\u202etxt' --> PYRO:obj@127.0.0.1:1");
    expect(found.stdout).to.not.match(TERMINAL_CONTROL);
    const unknown = await nsc("lookup", "nope\x1b]0;owned\x07");
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.equal("pyro-nsc: NamingError: unknown name: nope\\x1b]0;owned\\x07\n");
  });
});

describe("pyro-ns --no-tracebacks", function () {
  this.timeout(30_000);

  async function remoteTraceback(extra: string[]): Promise<string[] | undefined> {
    const { ns, uri } = await startNs(extra);
    try {
      await using proxy = new Proxy<{ lookup(name: string): Promise<unknown> }>(uri, { env: {} });
      try {
        await proxy.lookup("no.such.name");
      } catch (error) {
        expect(error).to.be.instanceOf(NamingError);
        expect((error as Error).message).to.equal("unknown name: no.such.name");
        return (error as NamingError).remoteTraceback;
      }
      throw new Error("lookup of an unknown name succeeded");
    } finally {
      await ns.stop();
    }
  }

  it("sends Python-style tracebacks by default, and none with the flag", async () => {
    const withTraceback = await remoteTraceback([]);
    expect(withTraceback?.join("")).to.match(/^Traceback \(most recent call last\):\n/);
    expect(withTraceback?.join("")).to.include("nameserver");
    expect(await remoteTraceback(["--no-tracebacks"])).to.equal(undefined);
  });

  it("documents the flag", async () => {
    expect((await runBin("ns", ["--help"])).stdout).to.match(/--no-tracebacks +don't send remote tracebacks/);
  });
});
