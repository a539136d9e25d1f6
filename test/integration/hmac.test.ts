import { expect } from "chai";
import { ConnectionClosedError, Daemon, Proxy, PyroError, SecurityError, TimeoutError, expose } from "@pyrots/core";
import { Greeter, type GreeterApi } from "../support/greeter.js";
import { RawConnection } from "../support/wire.js";
import { type Relay, header, rewritten, startRelay } from "../support/relay.js";
import { failure, runProcess, spawnProcess } from "@pyrots/test-support";
import { PYTHON, pythonEnv, requirePython } from "../support/python.js";

describe("HMAC message signing", () => {
  let daemon: Daemon;
  let uri: string;

  before(async () => {
    daemon = await Daemon.create({ host: "127.0.0.1", hmacKey: "shared secret" });
    uri = daemon.register(Greeter, "greeter").toString();
  });
  after(() => daemon.shutdown());

  it("serves a proxy with the same key", async () => {
    await using greeter = new Proxy<GreeterApi>(uri, { hmacKey: "shared secret" });
    expect(await greeter.hello("signed")).to.equal("hello signed");
  });

  it("refuses a proxy with a wrong key, with Pyro4's reason", async () => {
    await using greeter = new Proxy<GreeterApi>(uri, { hmacKey: "wrong" });
    const error = await failure(greeter.hello("x"));
    expect(error).to.be.instanceOf(SecurityError);
    expect(error.message).to.include("message hmac mismatch");
  });

  it("refuses a proxy without a key: hmac key config not symmetric", async () => {
    await using greeter = new Proxy<GreeterApi>(uri);
    const error = await failure(greeter.hello("x"));
    expect(error.message).to.include("hmac key config not symmetric");
  });

  it("a proxy with a key refuses a daemon without one", async () => {
    await using plain = await Daemon.create({ host: "127.0.0.1" });
    const plainUri = plain.register(Greeter, "greeter").toString();
    await using greeter = new Proxy<GreeterApi>(plainUri, { hmacKey: "shared secret" });
    const error = await failure(greeter.hello("x"));
    expect(error).to.be.instanceOf(PyroError);
    expect(error.message).to.match(/hmac key config not symmetric|closed/);
  });

  it("drops a connection whose calls stop being signed correctly", async () => {
    await using greeter = new Proxy<GreeterApi>(uri, { hmacKey: "shared secret" });
    expect(await greeter.hello("first")).to.equal("hello first");
    // Same connection, forged message: the daemon hangs up.
    const { coreOf } = await import("@pyrots/core/internal");
    const core = coreOf(greeter) as unknown as { channels: { signing: { key: Uint8Array; sealed: boolean } }[] };
    core.channels[0]!.signing = { key: Buffer.from("forged"), sealed: true };
    expect(await failure(greeter.hello("x"))).to.be.instanceOf(ConnectionClosedError);
  });

  describe("between pyrots peers the header and the connection are signed too", () => {
    const INVOKE = 4;
    const RESULT = 5;
    const ONEWAY = 0x04;
    const EXCEPTION = 0x01;

    @expose
    class Counter {
      calls = 0;
      bump(): number {
        return ++this.calls;
      }
    }

    let counter: Counter;
    let sealedDaemon: Daemon;
    let relay: Relay | undefined;

    beforeEach(async () => {
      counter = new Counter();
      sealedDaemon = await Daemon.create({ host: "127.0.0.1", hmacKey: "shared secret" });
      sealedDaemon.register(counter, "counter");
    });
    afterEach(async () => {
      await relay?.close();
      relay = undefined;
      await sealedDaemon.shutdown();
    });

    const viaRelay = (port: number) => new Proxy<{ bump(): Promise<number> }>(`PYRO:counter@127.0.0.1:${port}`, { hmacKey: "shared secret", timeout: 3 });

    it("a request whose flags were altered on the way (made oneway) is refused, and does not run", async () => {
      relay = await startRelay(sealedDaemon.port!, (frame, direction) =>
        direction === "toDaemon" && header.type(frame) === INVOKE ? rewritten(frame, { flags: header.flags(frame) | ONEWAY }) : frame,
      );
      await using proxy = viaRelay(relay.port);
      const error = await failure(proxy.bump());
      expect(error, "the daemon hung up instead of running a oneway call").to.be.instanceOf(ConnectionClosedError);
      expect(error).not.to.be.instanceOf(TimeoutError);
      expect(counter.calls).to.equal(0);
    });

    it("a reply whose flags were altered on the way (made an exception) is refused by the proxy", async () => {
      relay = await startRelay(sealedDaemon.port!, (frame, direction) =>
        direction === "toClient" && header.type(frame) === RESULT ? rewritten(frame, { flags: header.flags(frame) ^ EXCEPTION }) : frame,
      );
      await using proxy = viaRelay(relay.port);
      const error = await failure(proxy.bump());
      expect(error).to.be.instanceOf(ConnectionClosedError);
      expect(error.message).to.include("message hmac mismatch");
    });

    it("a request whose sequence number was altered on the way is refused", async () => {
      relay = await startRelay(sealedDaemon.port!, (frame, direction) =>
        direction === "toDaemon" && header.type(frame) === INVOKE ? rewritten(frame, { seq: header.seq(frame) + 1 }) : frame,
      );
      await using proxy = viaRelay(relay.port);
      expect(await failure(proxy.bump())).to.be.instanceOf(ConnectionClosedError);
      expect(counter.calls).to.equal(0);
    });

    it("a recorded connection replayed to the daemon does not run its call again", async () => {
      relay = await startRelay(sealedDaemon.port!);
      {
        await using proxy = viaRelay(relay.port);
        expect(await proxy.bump()).to.equal(1);
      }
      const [connect, invoke] = relay.sent[0]!;
      const replay = await RawConnection.open("127.0.0.1", sealedDaemon.port!);
      try {
        replay.send(connect!);
        expect((await replay.read()).type, "the recorded CONNECT itself is accepted").to.equal(2);
        replay.send(invoke!);
        expect(await replay.closesWithin(5000), "the replayed call was refused").to.equal(true);
        expect(counter.calls).to.equal(1);
      } finally {
        replay.destroy();
      }
    });

    it("unaltered traffic through the relay works, many calls at once", async () => {
      relay = await startRelay(sealedDaemon.port!);
      await using proxy = viaRelay(relay.port);
      const results = await Promise.all(Array.from({ length: 50 }, () => proxy.bump()));
      expect([...results].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
    });
  });

  describe("interop with Pyro4's HMAC", () => {
    it("a Python Pyro4 client with the key calls a pyrots daemon; without it, it is refused", async function () {
      requirePython(this);
      const script = [
        "import sys, Pyro4",
        "p = Pyro4.Proxy(sys.argv[1])",
        "p._pyroHmacKey = b'shared secret'",
        "print(p.hello('python'))",
        "q = Pyro4.Proxy(sys.argv[1])",
        "try:\n    q.hello('x')\nexcept Pyro4.errors.CommunicationError as e:\n    print('refused:', e)",
      ].join("\n");
      const run = await runProcess(PYTHON, ["-c", script, uri], { env: pythonEnv({ PYRO_SERIALIZER: "msgpack" }), timeoutMs: 20_000 });
      const lines = run.stdout.trim().split("\n");
      expect(lines[0], run.stderr).to.equal("hello python");
      expect(lines[1]).to.match(/^refused: .*hmac key config not symmetric/);
    });

    it("a pyrots proxy with the key calls a Python Pyro4 daemon that has one", async function () {
      requirePython(this);
      const script = [
        "import Pyro4",
        "@Pyro4.expose",
        "class Greeter(object):",
        "    def hello(self, name): return 'hello ' + name",
        "d = Pyro4.Daemon(host='127.0.0.1')",
        "d._pyroHmacKey = b'shared secret'",
        "print('uri:', d.register(Greeter, 'greeter'), flush=True)",
        "d.requestLoop()",
      ].join("\n");
      const server = spawnProcess(PYTHON, ["-c", script], { env: pythonEnv({}) });
      try {
        const pythonUri = (await server.waitForLine(/^uri: (\S+)$/, 15_000))[1];
        await using greeter = new Proxy<GreeterApi>(pythonUri, { hmacKey: "shared secret" });
        expect(await greeter.hello("pyrots")).to.equal("hello pyrots");
        await using wrong = new Proxy<GreeterApi>(pythonUri, { hmacKey: "wrong" });
        expect((await failure(wrong.hello("x"))).message).to.include("message hmac mismatch");
      } finally {
        await server.stop();
      }
    });
  });
});
