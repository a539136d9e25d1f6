/**
 * The name server client over loopback only (no broadcast, no multicast): locateNS by host, Unix
 * socket and IPv6, its failure messages, the broadcast step as a unicast to 127.0.0.1, the
 * responder, and resolve / PYRONAME: / PYROMETA: proxies.
 */
import { expect } from "chai";
import dgram from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CommunicationError, Daemon, NamingError, Proxy, URI, bind, expose, locateNS, release, resolve, uriOf } from "@pyrots/core";
import { queryBroadcast } from "@pyrots/core/internal";
import { replyText, startBroadcastResponder } from "@pyrots/nameserver/discovery";

/** Just enough of a name server for the client side: a map of names to URI texts and tags. */
@expose
class FakeNameServer {
  readonly names = new Map<string, { uri: string; tags: string[] }>();
  ping(): void {}
  count(): number {
    return this.names.size;
  }
  register(name: string, uri: string | URI, _safe = false, metadata: string[] | null = null): void {
    this.names.set(name, { uri: String(uri), tags: metadata ?? [] });
  }
  lookup(name: string): URI {
    const entry = this.names.get(name);
    if (!entry) throw new NamingError(`unknown name: ${name}`);
    return URI.parse(entry.uri);
  }
  list(prefix: string | null = null, _regex: string | null = null, metadata_all: string[] | null = null): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, entry] of this.names) {
      if (prefix !== null && !name.startsWith(prefix)) continue;
      if (metadata_all !== null && !metadata_all.every((t) => entry.tags.includes(t))) continue;
      out[name] = entry.uri;
    }
    return out;
  }
}

@expose
class Named {
  constructor(private readonly label: string) {}
  whoami(): string {
    return this.label;
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((done) => server.close(done));
  return port;
}

async function ipv6Loopback(): Promise<boolean> {
  const server = net.createServer();
  return new Promise((done) => {
    server.once("error", () => done(false));
    server.listen(0, "::1", () => server.close(() => done(true)));
  });
}

function tcpSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length;
}

async function expectNamingError(promise: Promise<unknown>): Promise<NamingError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(NamingError);
    return error as NamingError;
  }
  throw new Error("expected a NamingError");
}

describe("name server client over loopback", function () {
  let nsDaemon: Daemon;
  let ns: FakeNameServer;
  let nsPort: number;
  let objects: Daemon;
  const off = { broadcast: false, mdns: false, env: {} };

  before(async () => {
    nsDaemon = await Daemon.create({ host: "127.0.0.1", env: {} });
    ns = new FakeNameServer();
    nsDaemon.register(ns, "Pyro.NameServer");
    nsPort = nsDaemon.port!;
    objects = await Daemon.create({ host: "127.0.0.1", env: {} });
    ns.register("thing.one", objects.register(new Named("one"), "one"), false, ["blue", "round"]);
    ns.register("thing.two", objects.register(new Named("two"), "two"), false, ["blue"]);
  });

  after(async () => {
    await objects.shutdown();
    await nsDaemon.shutdown();
  });

  describe("locateNS", () => {
    it("connects to an explicit host and port and binds", async () => {
      await using proxy = await locateNS({ host: "127.0.0.1", port: nsPort, env: {} });
      expect(String(uriOf(proxy))).to.equal(`PYRO:Pyro.NameServer@127.0.0.1:${nsPort}`);
      expect(String(await proxy.lookup("thing.one"))).to.equal(`PYRO:one@127.0.0.1:${objects.port}`);
      expect(await proxy.count()).to.equal(2);
    });

    it("connects to a name server on a Unix socket (host ./u:PATH)", async () => {
      const dir = mkdtempSync(join(tmpdir(), "pyrots-ns-"));
      const unixDaemon = await Daemon.create({ unixSocket: join(dir, "ns.sock"), env: {} });
      unixDaemon.register(ns, "Pyro.NameServer");
      try {
        await using proxy = await locateNS({ host: `./u:${join(dir, "ns.sock")}`, env: {} });
        expect(String(await proxy.lookup("thing.two"))).to.equal(`PYRO:two@127.0.0.1:${objects.port}`);
      } finally {
        await unixDaemon.shutdown();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("connects to an IPv6 host, bracketed or not", async function () {
      if (!(await ipv6Loopback())) this.skip();
      const v6 = await Daemon.create({ host: "::1", env: {} });
      v6.register(ns, "Pyro.NameServer");
      try {
        for (const host of ["::1", "[::1]"]) {
          await using proxy = await locateNS({ host, port: v6.port, env: {} });
          expect(String(uriOf(proxy))).to.equal(`PYRO:Pyro.NameServer@[::1]:${v6.port}`);
          await proxy.ping();
        }
      } finally {
        await v6.shutdown();
      }
    });

    it("fails for an explicit host with Pyro's message, the reason, a hint and the cause", async () => {
      const port = await closedPort();
      const error = await expectNamingError(locateNS({ host: "127.0.0.1", port, env: {} }));
      expect(error.message).to.equal(
        `Failed to locate the nameserver at 127.0.0.1:${port}: connection refused — is one running there? (start one with \`pyro-ns -n 127.0.0.1 -p ${port}\`)`,
      );
      expect(error.cause).to.be.instanceOf(CommunicationError);
    });

    it("finds the name server on a loopback NS_HOST before broadcasting", async () => {
      await using proxy = await locateNS({ nsHost: "127.0.0.1", nsPort, ...off });
      expect(String(uriOf(proxy))).to.equal(`PYRO:Pyro.NameServer@127.0.0.1:${nsPort}`);
    });

    it("reads NS_HOST and NS_PORT from the given environment", async () => {
      await using proxy = await locateNS({ broadcast: false, mdns: false, env: { PYRO_NS_HOST: "127.0.0.1", PYRO_NS_PORT: String(nsPort) } });
      await proxy.ping();
    });

    it("lists every attempt when nothing answers", async () => {
      const port = await closedPort();
      const error = await expectNamingError(locateNS({ nsHost: "127.0.0.1", nsPort: port, ...off }));
      expect(error.message).to.equal(
        `no name server found: tried 127.0.0.1:${port} (connection refused), no broadcast (turned off), no mDNS (turned off) — start one with \`pyro-ns\` (\`pyro-ns -n 0.0.0.0\` to serve other machines)`,
      );
    });

    it("tries the NS_HOST replicas in order before any discovery, each connect bounded", async () => {
      const dead = await closedPort();
      await using proxy = await locateNS({ nsHost: `127.0.0.1:${dead}, 127.0.0.1:${nsPort}`, nsDiscovery: [], env: {} });
      expect(uriOf(proxy).port).to.equal(nsPort);
      const error = await expectNamingError(locateNS({ nsHost: `127.0.0.1:${dead},[::1]:${dead}`, nsDiscovery: [], env: {} }));
      expect(error.message).to.equal(
        `no name server found: tried 127.0.0.1:${dead} (connection refused), [::1]:${dead} (connection refused), no broadcast (turned off), no mDNS (turned off) — start one with \`pyro-ns\` (\`pyro-ns -n 0.0.0.0\` to serve other machines)`,
      );
    });

    it("a PYRONAME: proxy fails over to the next NS_HOST replica", async () => {
      const dead = await closedPort();
      await using proxy = new Proxy("PYRONAME:thing.one", { nsHost: `127.0.0.1:${dead},127.0.0.1:${nsPort}`, nsDiscovery: [], env: {} });
      await bind(proxy);
      expect(uriOf(proxy).toString()).to.equal(objects.uriFor("one").toString());
    });

    it("takes the broadcast step's answer (sent here as a unicast to 127.0.0.1)", async () => {
      await using responder = await startBroadcastResponder({ nsUri: `PYRO:Pyro.NameServer@0.0.0.0:${nsPort}`, host: "127.0.0.1", port: 0 });
      await using proxy = await locateNS({
        nsHost: "127.0.0.1",
        nsPort: await closedPort(),
        broadcastAddrs: ["127.0.0.1"],
        nsBcPort: responder.address.port,
        mdns: false,
        env: {},
      });
      // The responder named the interface that reaches the asker instead of 0.0.0.0.
      expect(String(uriOf(proxy))).to.equal(`PYRO:Pyro.NameServer@127.0.0.1:${nsPort}`);
      expect(responder.answered).to.equal(1);
    });

    it("says when the broadcast step found nothing", async () => {
      const port = await closedPort();
      const error = await expectNamingError(
        locateNS({ nsHost: "127.0.0.1", nsPort: port, broadcastAddrs: ["127.0.0.1"], nsBcPort: port, mdns: false, env: {} }),
      );
      const refused = `127\\.0\\.0\\.1:${port}`;
      expect(error.message).to.match(
        new RegExp(
          `^no name server found: tried ${refused} \\(connection refused\\), broadcast ${refused} \\(no answer in 2\\.\\d s[^)]*\\), no mDNS \\(turned off\\) — `,
        ),
      );
    }).timeout(15_000);
  });

  describe("broadcast query and responder", () => {
    it("ignores unusable replies and takes the first URI", async () => {
      const fake = dgram.createSocket("udp4");
      await new Promise<void>((done) => fake.bind(0, "127.0.0.1", done));
      fake.on("message", (_message, rinfo) => {
        for (const reply of ["garbage", `PYRO:Pyro.NameServer@${"h".repeat(90)}:1`, "PYRONAME:x", "PYRO:Pyro.NameServer@10.1.1.1:9090"])
          fake.send(reply, rinfo.port, rinfo.address);
      });
      try {
        const outcome = await queryBroadcast({ addresses: ["127.0.0.1"], port: fake.address().port, rounds: 1, roundSeconds: 2 });
        expect(String(outcome.uri)).to.equal("PYRO:Pyro.NameServer@10.1.1.1:9090");
        expect(outcome.ignoredReplies).to.equal(3);
      } finally {
        fake.close();
      }
    });

    it("answers exactly GET_NSURI and ignores everything else", async () => {
      await using responder = await startBroadcastResponder({ nsUri: URI.parse("PYRO:Pyro.NameServer@10.9.8.7:9090"), host: "127.0.0.1", port: 0 });
      const client = dgram.createSocket("udp4");
      const replies: string[] = [];
      client.on("message", (message) => replies.push(message.toString("latin1")));
      await new Promise<void>((done) => client.bind(0, "127.0.0.1", done));
      for (const junk of ["GET_NSURI ", "get_nsuri", "", "x".repeat(5000), "GET_NSURI"]) {
        await new Promise<void>((done) => client.send(Buffer.from(junk), responder.address.port, "127.0.0.1", () => done()));
      }
      await new Promise((done) => setTimeout(done, 200));
      client.close();
      expect(replies).to.deep.equal(["PYRO:Pyro.NameServer@10.9.8.7:9090"]);
      expect(responder.ignored).to.equal(4);
      await responder.close();
      await responder.close();
    });

    it("replaces 0.0.0.0 by the local address on the asker's subnet", async () => {
      expect(await replyText(URI.parse("PYRO:Pyro.NameServer@0.0.0.0:9090"), "127.0.0.5")).to.equal("PYRO:Pyro.NameServer@127.0.0.1:9090");
      expect(await replyText(URI.parse("PYRO:Pyro.NameServer@myhost:9090"), "127.0.0.5")).to.equal("PYRO:Pyro.NameServer@myhost:9090");
    });
  });

  describe("resolve and named proxies", () => {
    const at = () => `@127.0.0.1:${nsPort}`;

    it("returns PYRO: URIs unchanged without any name server", async () => {
      const uri = URI.parse("PYRO:x@10.0.0.1:1");
      expect(await resolve(uri)).to.equal(uri);
    });

    it("looks up PYRONAME:name@host:port and closes its name server connection", async () => {
      const before = tcpSockets();
      expect(String(await resolve(`PYRONAME:thing.one${at()}`))).to.equal(`PYRO:one@127.0.0.1:${objects.port}`);
      await new Promise((done) => setTimeout(done, 50));
      expect(tcpSockets()).to.equal(before);
    });

    it("picks an object having every PYROMETA: tag, or fails with NamingError", async () => {
      expect(String(await resolve(`PYROMETA:blue,round${at()}`))).to.equal(`PYRO:one@127.0.0.1:${objects.port}`);
      const picked = new Set<string>();
      for (let i = 0; i < 30; i++) picked.add(String(await resolve(`PYROMETA:blue${at()}`)));
      expect([...picked].sort()).to.deep.equal([`PYRO:one@127.0.0.1:${objects.port}`, `PYRO:two@127.0.0.1:${objects.port}`]);
      const error = await expectNamingError(resolve(`PYROMETA:green${at()}`));
      expect(error.message).to.equal('no registrations available with desired metadata properties ["green"]');
    });

    it("passes on the name server's unknown-name error", async () => {
      const error = await expectNamingError(resolve(`PYRONAME:nope${at()}`));
      expect(error.message).to.include("unknown name: nope");
    });

    it("a PYRONAME: proxy calls through, and re-resolves on reconnect when never bound", async () => {
      await using proxy = new Proxy<{ whoami(): string }>(`PYRONAME:thing.moving${at()}`, { env: {} });
      ns.register("thing.moving", objects.uriFor("one"));
      expect(await proxy.whoami()).to.equal("one");
      ns.register("thing.moving", objects.uriFor("two"));
      release(proxy);
      expect(await proxy.whoami()).to.equal("two");
    });
  });
});
