/**
 * Errors a newcomer is likely to meet say what happened and what to do (issue 7, item 4). Each
 * test provokes one mistake and checks the hint in the message, not the whole wording.
 * Everything runs on 127.0.0.1; discovery is never broadcast.
 */
import { expect } from "chai";
import { CommunicationError, ConfigError, Daemon, NamingError, Proxy, PyroError, URI, expose, loadConfig, locateNS } from "@pyrots/core";
import { startNameServer } from "@pyrots/nameserver";
import { PYTHON, describeInterop, pythonEnv } from "../support/python.js";
import { failure, runProcess, spawnProcess } from "@pyrots/test-support";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

@expose
class Rates {
  getRate(pair: string): number {
    return pair.length;
  }
  get region(): string {
    return "eu";
  }
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const daemon = await Daemon.create({ host: "127.0.0.1", port: 0 });
  const port = Number(daemon.locationStr.split(":").pop());
  await daemon.shutdown();
  return port;
}

describe("helpful errors", function () {
  let daemon: Daemon;
  let uri: URI;
  const proxies: Any[] = [];
  const proxy = (target: string | URI): Any => {
    const p = new Proxy<Any>(target, { env: {} });
    proxies.push(p);
    return p;
  };

  before(async () => {
    daemon = await Daemon.create({ host: "127.0.0.1", port: 0, env: {} });
    uri = daemon.register(Rates, "rates");
    void daemon.requestLoop();
  });
  after(async () => {
    for (const p of proxies) await p[Symbol.asyncDispose]();
    await daemon.shutdown();
  });

  it("an unknown method lists the members the object does have", async () => {
    const error = await failure(proxy(uri).getRates("EURUSD"));
    expect(error).to.be.instanceOf(PyroError);
    expect(error.message).to.include("has no exposed method 'getRates'").and.include("(it has: getRate, region)");
  });

  it("calling a property as a method says to read it without parentheses", async () => {
    const error = await failure(proxy(uri).region());
    expect(error.message).to.include("'region'").and.include("is a property, not a method").and.include("await proxy.region");
  });

  it("reading a method as a property says to call it", async () => {
    const error = await failure(Promise.resolve(proxy(uri).getRate));
    expect(error.message).to.include("is a method, not a property").and.include("await proxy.getRate(...)");
  });

  it("connection refused names the URI and asks whether the daemon runs", async () => {
    const target = `PYRO:rates@127.0.0.1:${await closedPort()}`;
    const error = await failure(proxy(target).getRate("x"));
    expect(error).to.be.instanceOf(CommunicationError);
    expect(error.message).to.include(target).and.include("connection refused").and.include("is the daemon running, and is this its address?");
  });

  it("connection refused at an address from the name server says where the address came from", async () => {
    const stale = `PYRO:rates@127.0.0.1:${await closedPort()}`;
    await using ns = await startNameServer({ host: "127.0.0.1", port: 0, broadcast: false, mdns: false, env: {} });
    await ns.nameserver.register("stale.rates", stale);
    const error = await failure(proxy(`PYRONAME:stale.rates@127.0.0.1:${ns.uri.port}`).getRate("x"));
    expect(error).to.be.instanceOf(CommunicationError);
    expect(error.message).to.include(stale).and.include("the name server gave for PYRONAME:stale.rates").and.include("registration may be stale");
  });

  it("a wrong object id on a running daemon says the daemon is there but the id is not", async () => {
    const error = await failure(proxy(`PYRO:ratez@${uri.location}`).getRate("x"));
    expect(error.message).to.include("unknown object").and.include("check the object id in the URI");
  });

  it("URL-style and incomplete URI text is explained", () => {
    expect(() => URI.parse("pyro://rates@localhost:9090")).to.throw(PyroError, 'no "//" after the protocol (write PYRO:rates@localhost:9090)');
    expect(() => URI.parse("PYRO:rates@localhost")).to.throw(PyroError, "missing port (expected PYRO:rates@localhost:port)");
    expect(() => URI.parse("rates@localhost:9090")).to.throw(PyroError, "missing protocol (expected PYRO:, PYRONAME: or PYROMETA:)");
  });

  it("an unknown PYRO_ variable suggests the right name", () => {
    expect(() => loadConfig({}, { PYRO_NSHOST: "x" })).to.throw(ConfigError, "unknown config environment variable PYRO_NSHOST; did you mean PYRO_NS_HOST?");
  });

  it("a port in use says what EADDRINUSE means and suggests port 0", async () => {
    const error = await failure(Daemon.create({ host: "127.0.0.1", port: uri.port!, env: {} }));
    expect(error.message).to.include("address already in use").and.include("port 0");
  });

  it("no name server at an explicit address suggests the pyro-ns command line", async () => {
    const port = await closedPort();
    const error = await failure(locateNS({ host: "127.0.0.1", port, env: {} }));
    expect(error).to.be.instanceOf(NamingError);
    expect(error.message).to.include(`127.0.0.1:${port}`).and.include("connection refused").and.include(`pyro-ns -n 127.0.0.1 -p ${port}`);
  });

  it("no name server anywhere lists what was tried and says to start pyro-ns", async () => {
    const port = await closedPort();
    const error = await failure(locateNS({ broadcast: false, mdns: false, env: { PYRO_NS_HOST: "127.0.0.1", PYRO_NS_PORT: String(port) } }));
    expect(error.message)
      .to.match(/^no name server found: tried 127\.0\.0\.1:\d+ \(connection refused\)/)
      .and.include("start one with `pyro-ns`");
  });

  it("an unknown PYRONAME: lists the names the name server has", async () => {
    await using ns = await startNameServer({ host: "127.0.0.1", port: 0, broadcast: false, mdns: false, env: {} });
    await ns.nameserver.register("example.rates", uri);
    const error = await failure(proxy(`PYRONAME:example.rate@127.0.0.1:${ns.uri.port}`).getRate("x"));
    expect(error).to.be.instanceOf(NamingError);
    expect(error.message).to.include("unknown name: example.rate").and.include("registered: example.rates");
  });
});

describeInterop("helpful errors with Python Pyro4", function () {
  this.timeout(30_000);

  it("a Python daemon at its defaults: an unchosen serializer falls back; a chosen one that it refuses says what to do", async () => {
    // A default Pyro4 daemon: serpent, json and marshal only.
    const script =
      'import Pyro4\n@Pyro4.expose\nclass W(object):\n    def hi(self): return 1\nd = Pyro4.Daemon(host="127.0.0.1")\nprint(d.register(W(), "w"), flush=True)\nd.requestLoop()';
    const env = pythonEnv({});
    delete env.PYRO_SERIALIZERS_ACCEPTED;
    const python = spawnProcess(PYTHON, ["-c", script], { env });
    try {
      const [line] = await python.waitForLine(/^PYRO:\S+$/, 15_000);
      await using chooses: Any = new Proxy<Any>(line, { env: {} });
      expect(await chooses.hi()).to.equal(1);
      await using insists: Any = new Proxy<Any>(line, { env: {}, serializer: "msgpack" });
      const error = await failure(insists.hi());
      expect(error).to.be.instanceOf(CommunicationError);
      expect(error.message)
        .to.include("serializer that is not accepted: 6")
        .and.include("leave the proxy's serializer unset")
        .and.include("Python Pyro4 daemons accept serpent and json by default");
    } finally {
      await python.stop();
    }
  });

  it("a daemon configured without serpent refuses a Python client at its defaults in Pyro4's words", async () => {
    const daemon = await Daemon.create({ host: "127.0.0.1", port: 0, serializersAccepted: ["msgpack", "json"], env: {} });
    const target = daemon.register(Rates, "rates").toString();
    void daemon.requestLoop();
    try {
      const script = `import Pyro4\ntry:\n    Pyro4.Proxy("${target}").getRate("x")\nexcept Exception as e:\n    print(type(e).__name__, e)`;
      const env = pythonEnv({});
      delete env.PYRO_SERIALIZERS_ACCEPTED;
      const result = await runProcess(PYTHON, ["-c", script], { env, timeoutMs: 15_000 });
      expect(result.stdout).to.include("CommunicationError").and.include("message used serializer that is not accepted: 1");
    } finally {
      await daemon.shutdown();
    }
  });
});
