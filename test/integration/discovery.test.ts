/**
 * Discovery between private hosts (network namespaces made by tools/netns.sh): a name server on
 * host A, clients on host B finding it by UDP broadcast and by mDNS, and a loopback-only host C.
 * Every broadcast and multicast is sent from inside a namespace this suite made.
 */
import { expect } from "chai";
import { fileURLToPath } from "node:url";
import { PYTHON, PYTHON_SCRIPTS, pythonEnv, requirePython } from "../support/python.js";
import type { Spawned } from "@pyrots/test-support";
import { type PrivateHosts, cleanEnv, makeHosts, makeLonelyHost, removeHosts, requireNetns, runIn, spawnIn, uniquePrefix } from "../support/netns.js";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const PYRO_NS = fileURLToPath(new URL("../../../nameserver/dist/bin/ns.js", import.meta.url));
const CURRENCY = fileURLToPath(new URL("../../../examples/currency/dist/", import.meta.url));

/** What fixtures/locate-client.js prints. */
interface ClientResult {
  ok: boolean;
  uri?: string;
  lookup?: string;
  error?: string;
  name?: string;
  garbageReplies?: number;
  seconds: number;
}

async function runClient(ns: string, request: object): Promise<ClientResult> {
  const result = await runIn(ns, process.execPath, [FIXTURES + "locate-client.js", JSON.stringify(request)], { env: cleanEnv(), timeoutMs: 20_000 });
  const last = result.stdout.trim().split("\n").pop() ?? "";
  if (!last.startsWith("{")) throw new Error(`locate-client failed (code ${result.code}); stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  return JSON.parse(last) as ClientResult;
}

/** Starts `pyro-ns ARGS` in namespace `ns` and waits for its `URI = ...` line. */
async function startPyroNs(ns: string, args: readonly string[]): Promise<{ server: Spawned; uri: string }> {
  const server = spawnIn(ns, process.execPath, [PYRO_NS, ...args], { env: cleanEnv() });
  try {
    const match = await server.waitForLine(/^URI = (PYRO:\S+)$/, 15_000);
    return { server, uri: match[1]! };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

describe("discovery between private hosts", function () {
  this.timeout(30_000);
  const prefix = uniquePrefix("pd");
  let hosts: PrivateHosts;
  let lonely: string;
  let made = false;
  const started: Spawned[] = [];

  before(async function () {
    requireNetns(this);
    made = true;
    hosts = await makeHosts(prefix);
    lonely = await makeLonelyHost(prefix);
  });

  after(async function () {
    for (const proc of started) await proc.stop();
    if (made) await removeHosts(prefix);
  });

  describe("a host with only loopback (C)", function () {
    it("locateNS() fails with a NamingError that lists every attempt and suggests pyro-ns", async function () {
      const result = await runClient(lonely, { locate: { mdnsTimeout: 0.5 } });
      expect(result.ok, JSON.stringify(result)).to.equal(false);
      expect(result.name).to.equal("NamingError");
      expect(result.error).to.match(/^no name server found: tried localhost:9090 \(connection refused\), /);
      expect(result.error).to.include("broadcast 255.255.255.255:9091 + 0.0.0.0:9091 (no answer in 2.");
      // Pyro4 raises "Network is unreachable" here; pyrots notes it and goes on.
      expect(result.error).to.include("255.255.255.255:9091: ENETUNREACH");
      expect(result.error).to.match(/mDNS _pyro-ns\._tcp \(.*no answer in 0\.\d s\)/);
      expect(result.error).to.not.include("again");
      expect(result.error).to.match(/start one with `pyro-ns`/);
    });

    it("locateNS() gets past ENETUNREACH and finds a local name server through 0.0.0.0", async function () {
      const { server } = await startPyroNs(lonely, ["-n", "0.0.0.0", "-p", "9190", "--no-mdns"]);
      started.push(server);
      try {
        const result = await runClient(lonely, { locate: { mdns: false } });
        expect(result, JSON.stringify(result)).to.include({ ok: true, uri: "PYRO:Pyro.NameServer@127.0.0.1:9190" });
      } finally {
        await server.stop();
      }
    });
  });

  describe("pyro-ns -n 0.0.0.0 on host A, clients on host B", function () {
    let nsUri: string;

    before(async function () {
      const { server, uri } = await startPyroNs(hosts.a, ["-n", "0.0.0.0", "-p", "9090", "--bcport", "9091", "--mdns"]);
      started.push(server);
      nsUri = `PYRO:Pyro.NameServer@${hosts.addrA}:9090`;
      expect(uri, "pyro-ns -n 0.0.0.0 names A's address in its URI").to.equal(nsUri);
    });

    it("locateNS() finds it by broadcast to the cable's broadcast address, at A's address", async function () {
      const result = await runClient(hosts.b, { locate: { broadcastAddrs: [hosts.broadcast], mdns: false } });
      expect(result, JSON.stringify(result)).to.include({ ok: true, uri: nsUri, lookup: nsUri });
    });

    it("locateNS() finds it by broadcast to <broadcast> (255.255.255.255)", async function () {
      const result = await runClient(hosts.b, { locate: { broadcastAddrs: ["<broadcast>"], mdns: false } });
      expect(result, JSON.stringify(result)).to.include({ ok: true, uri: nsUri });
    });

    it("locateNS() with the default configuration finds it (loopback refused, then broadcast)", async function () {
      const result = await runClient(hosts.b, { locate: { mdns: false } });
      expect(result, JSON.stringify(result)).to.include({ ok: true, uri: nsUri });
    });

    it("locateNS() finds it by mDNS with broadcast disabled", async function () {
      const result = await runClient(hosts.b, { locate: { broadcast: false, mdnsTimeout: 5 } });
      expect(result, JSON.stringify(result)).to.include({ ok: true, uri: nsUri, lookup: nsUri });
    });

    it("a PYRONAME: proxy resolves through the broadcast-located name server", async function () {
      const result = await runClient(hosts.b, { proxy: "PYRONAME:Pyro.NameServer", locate: { broadcastAddrs: [hosts.broadcast] } });
      expect(result, JSON.stringify(result)).to.include({ ok: true, uri: nsUri });
    });

    it("with PYRO_NS_HOST set to A, a PYRONAME: proxy on B goes straight there: no broadcast, no mDNS", async function () {
      const request = { proxy: "PYRONAME:Pyro.NameServer", useEnv: true };
      const run = await runIn(hosts.b, process.execPath, [FIXTURES + "locate-client.js", JSON.stringify(request)], {
        env: { ...cleanEnv(), PYRO_NS_HOST: hosts.addrA, DEBUG: "pyrots:naming" },
        timeoutMs: 20_000,
      });
      const result = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as ClientResult;
      expect(result, run.stderr).to.include({ ok: true, uri: nsUri });
      const attempts = run.stderr.split("\n").filter((line) => / trying /.test(line));
      expect(attempts, run.stderr).to.have.length(1);
      expect(attempts[0]).to.include(`trying ${hosts.addrA}:9090`);
      expect(run.stderr).to.not.match(/broadcast|mDNS/);
    });

    it("the currency worker started with --host 0.0.0.0 on A registers A's address, and a client on B calls it", async function () {
      const worker = spawnIn(hosts.a, process.execPath, [CURRENCY + "server.js", "--host", "0.0.0.0", "--ns-host", "127.0.0.1"], { env: cleanEnv() });
      started.push(worker);
      try {
        const [, uri] = await worker.waitForLine(/^currency worker ready: \S+ -> (PYRO:\S+)$/, 15_000);
        expect(uri).to.match(new RegExp(`^PYRO:example\\.currency@${hosts.addrA.replaceAll(".", "\\.")}:\\d+$`));
        const run = await runIn(hosts.b, process.execPath, [CURRENCY + "client.js", `PYRONAME:example.currency@${hosts.addrA}:9090`], {
          env: cleanEnv(),
          timeoutMs: 20_000,
        });
        expect(run.code, run.stderr).to.equal(0);
        expect(run.stdout).to.match(/Async calls: \d+\.\d+ seconds/);
      } finally {
        await worker.stop();
      }
    });

    it("the responder ignores garbage and oversized datagrams and still answers", async function () {
      const result = await runClient(hosts.b, { garbageTo: `${hosts.addrA}:9091`, locate: { broadcastAddrs: [hosts.broadcast], mdns: false } });
      expect(result, JSON.stringify(result)).to.include({ ok: true, uri: nsUri, garbageReplies: 0 });
    });

    it("Python Pyro4.locateNS() on host B finds it by broadcast", async function () {
      requirePython(this);
      const result = await runIn(hosts.b, PYTHON, [PYTHON_SCRIPTS + "locate_ns.py"], {
        env: pythonEnv({
          PYRO_BROADCAST_ADDRS: hosts.broadcast,
          PYRO_SERIALIZER: "msgpack",
          PYRO_COMMTIMEOUT: "10",
          // Not loopback, so Pyro4 skips its 127.0.1.1 reverse lookup, which waits seconds for DNS here.
          PYRO_NS_HOST: hosts.addrB,
        }),
        timeoutMs: 20_000,
      });
      const parsed = JSON.parse(result.stdout.trim().split("\n").pop() ?? "{}") as Record<string, unknown>;
      expect(parsed, `${result.stdout}\n${result.stderr}`).to.include({ ok: true, uri: nsUri, lookup: nsUri });
    });
  });

  describe("Python Pyro4's name server on host A", function () {
    before(async function () {
      requirePython(this);
      const server = spawnIn(hosts.a, PYTHON, ["-m", "Pyro4.naming", "-n", hosts.addrA, "-p", "9290", "--bcport", "9291"], { env: pythonEnv({}) });
      started.push(server);
      await server.waitForLine(/^URI = PYRO:/, 15_000);
    });

    it("pyrots locateNS() on host B finds it by broadcast and looks a name up", async function () {
      const result = await runClient(hosts.b, { locate: { broadcastAddrs: [hosts.broadcast], nsBcPort: 9291, mdns: false } });
      const uri = `PYRO:Pyro.NameServer@${hosts.addrA}:9290`;
      expect(result, JSON.stringify(result)).to.include({ ok: true, uri, lookup: uri });
    });
  });
});
