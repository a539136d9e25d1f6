import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Proxy, RemoteError, setAttr } from "@pyrots/core";
import { type Spawned, runProcess, spawnProcess } from "@pyrots/test-support";
import { PYTHON, pythonEnv, requirePython } from "../support/python.js";

const ECHOSERVER = fileURLToPath(new URL("../../../nameserver/dist/bin/echoserver.js", import.meta.url));

interface EchoApi {
  echo<T>(message: T): T;
  error(): never;
  error_with_text(): never;
  oneway_echo(message: unknown): void;
  generator(): Iterable<string>;
  nan(): number;
  inf(): number;
  shutdown(): void;
  __dunder__(): string;
  verbose: boolean;
}

describe("pyro-echoserver", () => {
  let server: Spawned;
  let uri: string;

  before(async () => {
    server = spawnProcess(process.execPath, [ECHOSERVER, "-H", "127.0.0.1", "-p", "0"], { env: { ...process.env } });
    uri = (await server.waitForLine(/^echo uri: (PYRO:\S+)$/, 10_000))[1];
  });
  after(() => server.stop());

  it("prints its URI with the object name test.echoserver", () => {
    expect(uri).to.match(/^PYRO:test\.echoserver@127\.0\.0\.1:\d+$/);
    expect(server.lines).to.include("object name: test.echoserver");
  });

  it("echoes values and serves the other methods as Pyro4's does", async () => {
    await using echo = new Proxy<EchoApi>(uri);
    expect(await echo.echo({ a: [1, "two", null] })).to.deep.equal({ a: [1, "two", null] });
    expect(Number.isNaN(await echo.nan())).to.equal(true);
    expect(await echo.inf()).to.equal(Infinity);
    expect(await echo.__dunder__()).to.equal("should be allowed (dunder)");
    const items: string[] = [];
    for await (const item of echo.generator()) items.push(item);
    expect(items).to.deep.equal(["one", "two", "three"]);
    expect(await echo.oneway_echo("fire and forget")).to.equal(null);
  });

  it("raises Pyro4's ValueError from error()", async () => {
    await using echo = new Proxy<EchoApi>(uri);
    let error: unknown;
    try {
      await echo.error();
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(RemoteError);
    expect((error as RemoteError).remoteType).to.equal("builtins.ValueError");
    expect((error as RemoteError).message).to.equal("expected error from echoserver error() method");
  });

  it("has a verbose property that can be set", async () => {
    await using echo = new Proxy<EchoApi>(uri);
    expect(await echo.verbose).to.equal(false);
    await setAttr(echo, "verbose", true);
    expect(await echo.verbose).to.equal(true);
    await setAttr(echo, "verbose", false);
  });

  it("serves a Python Pyro4 client", async function () {
    requirePython(this);
    const script = [
      "import sys, Pyro4",
      "p = Pyro4.Proxy(sys.argv[1])",
      "print(p.echo([1, 'x']), list(p.generator()), p.verbose)",
      "try:\n    p.error()\nexcept ValueError as e:\n    print('ValueError', e)",
    ].join("\n");
    const run = await runProcess(PYTHON, ["-c", script, uri], { env: pythonEnv({ PYRO_SERIALIZER: "msgpack" }), timeoutMs: 20_000 });
    expect(run.stdout.trim().split("\n"), run.stderr).to.deep.equal([
      "[1, 'x'] ['one', 'two', 'three'] False",
      "ValueError expected error from echoserver error() method",
    ]);
  });

  it("is quiet with -q, serves a Unix socket with -u, and stops when a client calls shutdown()", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pyrots-echo-"));
    const socket = join(dir, "echo.sock");
    const own = spawnProcess(process.execPath, [ECHOSERVER, "-q", "-u", socket], { env: { ...process.env } });
    try {
      const echo = new Proxy<EchoApi>(`PYRO:test.echoserver@./u:${socket}`);
      await waitUntilConnectable(() => echo.echo("up"));
      await echo.shutdown();
      expect((await own.exited).code).to.equal(0);
      expect(own.lines).to.deep.equal([]);
      await echo[Symbol.asyncDispose]();
    } finally {
      await own.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prints usage for --help and refuses unknown flags with exit code 2", async () => {
    const help = await runProcess(process.execPath, [ECHOSERVER, "--help"], { env: { ...process.env } });
    expect(help.code).to.equal(0);
    expect(help.stdout).to.match(/usage: pyro-echoserver/);
    const bad = await runProcess(process.execPath, [ECHOSERVER, "--bogus"], { env: { ...process.env } });
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/bogus/);
  });
});

/** Retries `attempt` until the server accepts connections. */
async function waitUntilConnectable(attempt: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await attempt();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
