import { expect } from "chai";
import net from "node:net";
import { Daemon, Proxy, PyroError, type Remote, SecurityError, expose } from "@pyrots/core";
import { startNameServer } from "@pyrots/nameserver";
import { Greeter, type GreeterApi } from "../support/greeter.js";
import { type TestCertificates, makeCertificates } from "../support/certs.js";
import { failure, runProcess, spawnProcess } from "@pyrots/test-support";
import { PYRO5, PYTHON, pythonEnv, pythonPyro5Env, requirePython } from "../support/python.js";

/** A plain TCP connection that sends nothing. */
function rawConnect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Resolves when the peer has closed `socket`. */
function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    socket.on("error", () => undefined);
    socket.once("close", () => resolve());
  });
}

describe("TLS", () => {
  let certs: TestCertificates;

  before(() => {
    certs = makeCertificates();
  });
  after(() => certs.remove());

  /** A daemon's TLS options that require a client certificate from the test CA. */
  function mutualServerTls() {
    return { cert: certs.read(certs.serverCert), key: certs.read(certs.serverKey), ca: certs.read(certs.caCert), requestCert: true, rejectUnauthorized: true };
  }

  describe("server-authenticated", () => {
    let daemon: Daemon;
    let uri: string;

    before(async () => {
      daemon = await Daemon.create({ host: "127.0.0.1", tls: { cert: certs.read(certs.serverCert), key: certs.read(certs.serverKey) } });
      uri = daemon.register(Greeter, "greeter").toString();
    });
    after(() => daemon.shutdown());

    it("serves a proxy that trusts the server's CA", async () => {
      await using greeter = new Proxy<GreeterApi>(uri, { tls: { ca: certs.read(certs.caCert) } });
      expect(await greeter.hello("tls")).to.equal("hello tls");
    });

    it("takes the CA from Pyro's SSL config items too", async () => {
      await using greeter = new Proxy<GreeterApi>(uri, { ssl: true, sslCaCerts: certs.caCert });
      expect(await greeter.hello("config")).to.equal("hello config");
    });

    it("refuses a proxy that does not trust the server, with SecurityError", async () => {
      await using greeter = new Proxy<GreeterApi>(uri, { tls: {} });
      expect(await failure(greeter.hello("x"))).to.be.instanceOf(SecurityError);
    });

    it("drops a plain TCP client cleanly and keeps serving", async () => {
      const port = daemon.port!;
      await using plain = new Proxy<GreeterApi>(uri, { timeout: 2 });
      const error = await failure(plain.hello("x"));
      expect(error).to.be.instanceOf(PyroError);
      // A raw socket sending garbage is dropped too.
      await new Promise<void>((resolve) => {
        const socket = net.connect(port, "127.0.0.1", () => socket.end("PYRO garbage"));
        socket.on("close", () => resolve());
        socket.on("error", () => undefined);
      });
      await using greeter = new Proxy<GreeterApi>(uri, { tls: { ca: certs.read(certs.caCert) } });
      expect(await greeter.hello("still")).to.equal("hello still");
    });
  });

  describe("mutual", () => {
    let daemon: Daemon;
    let uri: string;
    const seenSubjects: string[] = [];

    before(async () => {
      daemon = await Daemon.create({
        host: "127.0.0.1",
        ssl: true,
        sslServerCert: certs.serverCert,
        sslServerKey: certs.serverKey,
        sslCaCerts: certs.caCert,
        sslRequireClientCert: true,
        validateHandshake: (client) => {
          seenSubjects.push(String(client.certificate?.subject?.CN));
          return "hello";
        },
      });
      uri = daemon.register(Greeter, "greeter").toString();
    });
    after(() => daemon.shutdown());

    it("serves a client with a certificate from the trusted CA", async () => {
      await using greeter = new Proxy<GreeterApi>(uri, {
        tls: { ca: certs.read(certs.caCert), cert: certs.read(certs.clientCert), key: certs.read(certs.clientKey) },
      });
      expect(await greeter.hello("mutual")).to.equal("hello mutual");
      expect(seenSubjects).to.include("client");
    });

    it("refuses a client without a certificate", async () => {
      await using greeter = new Proxy<GreeterApi>(uri, { tls: { ca: certs.read(certs.caCert) }, timeout: 5 });
      expect(await failure(greeter.hello("x"))).to.be.instanceOf(PyroError);
    });

    it("refuses a client whose certificate the server does not trust", async () => {
      await using greeter = new Proxy<GreeterApi>(uri, {
        tls: { ca: certs.read(certs.caCert), cert: certs.read(certs.strangerCert), key: certs.read(certs.strangerKey) },
        timeout: 5,
      });
      expect(await failure(greeter.hello("x"))).to.be.instanceOf(PyroError);
      await using friend = new Proxy<GreeterApi>(uri, {
        tls: { ca: certs.read(certs.caCert), cert: certs.read(certs.clientCert), key: certs.read(certs.clientKey) },
      });
      expect(await friend.hello("after")).to.equal("hello after");
    });
  });

  describe("connections that never start TLS", () => {
    it("count against MAX_CONNECTIONS from their TCP accept and are dropped at HANDSHAKE_TIMEOUT", async () => {
      await using daemon = await Daemon.create({
        host: "127.0.0.1",
        handshakeTimeout: 0.5,
        maxConnections: 2,
        tls: { cert: certs.read(certs.serverCert), key: certs.read(certs.serverKey) },
      });
      const uri = daemon.register(Greeter, "greeter").toString();
      const silent = await Promise.all([rawConnect(daemon.port!), rawConnect(daemon.port!)]);
      try {
        const deadline = Date.now() + 2000;
        while (daemon.stats.connections < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        expect(daemon.stats.connections, "silent TCP connections hold slots").to.equal(2);
        // A real client still gets in: a silent one gives way (it was idle since its accept).
        await using greeter = new Proxy<GreeterApi>(uri, { tls: { ca: certs.read(certs.caCert) } });
        expect(await greeter.hello("in")).to.equal("hello in");
        const started = Date.now();
        await Promise.all(silent.map((socket) => closed(socket)));
        expect(Date.now() - started, "dropped by the handshake clock, not node's 120 s TLS timeout").to.be.below(3000);
      } finally {
        for (const socket of silent) socket.destroy();
      }
    });
  });

  describe("client certificates without a CA to check them", () => {
    it("Daemon.create refuses SSL_REQUIRECLIENTCERT without SSL_CACERTS", async () => {
      const error = await failure(
        Daemon.create({ host: "127.0.0.1", ssl: true, sslServerCert: certs.serverCert, sslServerKey: certs.serverKey, sslRequireClientCert: true }),
      );
      expect(error).to.be.instanceOf(SecurityError);
      expect(error.message).to.match(/SSL_REQUIRECLIENTCERT is on but SSL_CACERTS is not set.*public root CAs/);
    });

    it("Daemon.create refuses tls options with requestCert and no ca", async () => {
      const error = await failure(
        Daemon.create({
          host: "127.0.0.1",
          tls: { cert: certs.read(certs.serverCert), key: certs.read(certs.serverKey), requestCert: true, rejectUnauthorized: true },
        }),
      );
      expect(error).to.be.instanceOf(SecurityError);
      expect(error.message).to.match(/requestCert.*no CA.*Pass ca/);
    });
  });

  describe("what a TLS proxy receives or resolves stays on TLS", () => {
    @expose
    class Item {
      label(): string {
        return "item over tls";
      }
    }

    @expose
    class Factory {
      constructor(private readonly item: Item) {}
      make(): Item {
        return this.item;
      }
    }

    const serverTls = () => ({ cert: certs.read(certs.serverCert), key: certs.read(certs.serverKey) });

    it("an autoproxied object in a reply is called over TLS, with the receiving proxy's TLS options", async () => {
      await using daemon = await Daemon.create({ host: "127.0.0.1", tls: serverTls() });
      const item = new Item();
      daemon.register(item);
      const uri = daemon.register(new Factory(item), "factory");
      await using factory = new Proxy<Factory>(uri, { tls: { ca: certs.read(certs.caCert) }, timeout: 5 });
      const made = (await factory.make()) as unknown as Remote<Item>;
      expect(await made.label()).to.equal("item over tls");
    });

    it("a PYRONAME: proxy with TLS looks its name up over TLS too", async () => {
      await using daemon = await Daemon.create({ host: "127.0.0.1", tls: serverTls() });
      const uri = daemon.register(Greeter, "greeter");
      await using ns = await startNameServer({ host: "127.0.0.1", port: 0, tls: serverTls(), broadcast: false, mdns: false, env: {} });
      await ns.nameserver.register("tls.greeter", uri.toString());
      await using greeter = new Proxy<GreeterApi>(`PYRONAME:tls.greeter@127.0.0.1:${ns.uri.port}`, { tls: { ca: certs.read(certs.caCert) }, timeout: 5 });
      expect(await greeter.hello("by name")).to.equal("hello by name");
    });
  });

  describe("interop with Pyro4's SSL mode", () => {
    it("a Python Pyro4 client with a client certificate calls a mutual-TLS pyrots daemon", async function () {
      requirePython(this);
      await using daemon = await Daemon.create({ host: "127.0.0.1", tls: mutualServerTls() });
      const uri = daemon.register(Greeter, "greeter").toString();
      const run = await runProcess(PYTHON, ["-c", "import sys, Pyro4\nprint(Pyro4.Proxy(sys.argv[1]).hello('python'))", uri], {
        env: pythonEnv({
          PYRO_SERIALIZER: "msgpack",
          PYRO_SSL: "1",
          PYRO_SSL_CACERTS: certs.caCert,
          PYRO_SSL_CLIENTCERT: certs.clientCert,
          PYRO_SSL_CLIENTKEY: certs.clientKey,
        }),
        timeoutMs: 20_000,
      });
      expect(run.stdout.trim(), run.stderr).to.equal("hello python");
    });

    it("a pyrots proxy with a client certificate calls a mutual-TLS Python Pyro4 daemon", async function () {
      requirePython(this);
      const script = [
        "import Pyro4",
        "@Pyro4.expose",
        "class Greeter(object):",
        "    def hello(self, name): return 'hello ' + name",
        "d = Pyro4.Daemon(host='127.0.0.1')",
        "print('uri:', d.register(Greeter, 'greeter'), flush=True)",
        "d.requestLoop()",
      ].join("\n");
      const server = spawnProcess(PYTHON, ["-c", script], {
        env: pythonEnv({
          PYRO_SSL: "1",
          PYRO_SSL_SERVERCERT: certs.serverCert,
          PYRO_SSL_SERVERKEY: certs.serverKey,
          PYRO_SSL_CACERTS: certs.caCert,
          PYRO_SSL_REQUIRECLIENTCERT: "1",
        }),
      });
      try {
        const uri = (await server.waitForLine(/^uri: (\S+)$/, 15_000))[1];
        await using greeter = new Proxy<GreeterApi>(uri, {
          tls: { ca: certs.read(certs.caCert), cert: certs.read(certs.clientCert), key: certs.read(certs.clientKey) },
        });
        expect(await greeter.hello("pyrots")).to.equal("hello pyrots");
      } finally {
        await server.stop();
      }
    });
  });

  describe("interop with Pyro5's SSL mode (protocol 502; SSL settings in code, no PYRO_* variables)", () => {
    /** Python lines that turn on Pyro5's SSL with the test certificates, as a Pyro5 user writes them. */
    function pyro5Ssl(settings: Record<string, string | boolean>): string[] {
      return [
        "import Pyro5.api",
        "Pyro5.config.SSL = True",
        ...Object.entries(settings).map(([k, v]) => `Pyro5.config.${k} = ${JSON.stringify(v).replace(/^true$/, "True")}`),
      ];
    }

    it("a Python Pyro5 client with a client certificate calls a mutual-TLS pyrots daemon", async function () {
      requirePython(this, PYRO5);
      await using daemon = await Daemon.create({ host: "127.0.0.1", tls: mutualServerTls() });
      const uri = daemon.register(Greeter, "greeter").toString();
      const script = [
        ...pyro5Ssl({ SSL_CACERTS: certs.caCert, SSL_CLIENTCERT: certs.clientCert, SSL_CLIENTKEY: certs.clientKey }),
        "import sys",
        "with Pyro5.api.Proxy(sys.argv[1]) as p:",
        "    print(p.hello('pyro5'), p._pyroConnection.sock.version().startswith('TLS'))",
      ].join("\n");
      const run = await runProcess(PYTHON, ["-c", script, uri], { env: pythonPyro5Env({}, {}), timeoutMs: 20_000 });
      expect(run.stdout.trim(), run.stderr).to.equal("hello pyro5 True");
    });

    it("a pyrots proxy (PROTOCOL auto, the default) with a client certificate calls a mutual-TLS Python Pyro5 daemon", async function () {
      requirePython(this, PYRO5);
      const script = [
        ...pyro5Ssl({ SSL_SERVERCERT: certs.serverCert, SSL_SERVERKEY: certs.serverKey, SSL_CACERTS: certs.caCert, SSL_REQUIRECLIENTCERT: true }),
        "@Pyro5.api.expose",
        "class Greeter(object):",
        "    def hello(self, name): return 'hello ' + name",
        "d = Pyro5.api.Daemon(host='127.0.0.1')",
        "print('uri:', d.register(Greeter, 'greeter'), flush=True)",
        "d.requestLoop()",
      ].join("\n");
      const server = spawnProcess(PYTHON, ["-c", script], { env: pythonPyro5Env({}, {}) });
      try {
        const uri = (await server.waitForLine(/^uri: (\S+)$/, 15_000))[1];
        const tls = { ca: certs.read(certs.caCert), cert: certs.read(certs.clientCert), key: certs.read(certs.clientKey) };
        await using greeter = new Proxy<GreeterApi>(uri, { tls });
        expect(await greeter.hello("pyrots")).to.equal("hello pyrots");
        await using withoutCert = new Proxy<GreeterApi>(uri, { tls: { ca: tls.ca }, timeout: 5 });
        expect(await failure(withoutCert.hello("no certificate"))).to.be.instanceOf(Error);
      } finally {
        await server.stop();
      }
    });
  });
});
