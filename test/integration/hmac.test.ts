import { expect } from "chai";
import { ConnectionClosedError, Daemon, Proxy, PyroError, SecurityError } from "@pyrots/core";
import { Greeter, type GreeterApi } from "../support/greeter.js";
import { runProcess, spawnProcess } from "../support/process.js";
import { PYTHON, pythonEnv, requirePython } from "../support/python.js";
import { failure } from "../support/outcome.js";

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
    const core = coreOf(greeter) as unknown as { invokeFields: { hmacKey: Uint8Array } };
    core.invokeFields.hmacKey = Buffer.from("forged");
    expect(await failure(greeter.hello("x"))).to.be.instanceOf(ConnectionClosedError);
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
