/**
 * The daemon side of leases (`daemon.registerName`): the lease is kept alive, so a name outlives
 * its TTL; a keepalive that fails is reported and retried; a lost lease (the name server restarted
 * and forgot it) is replaced and every name registered again; names go with the daemon's shutdown.
 */
import { expect } from "chai";
import { Daemon, type LeaseEvent, type NameRegistrationOptions, NamingError, expose, locateNS } from "@pyrots/core";
import { type RunningNameServer, startNameServer } from "@pyrots/nameserver";
import { failure } from "@pyrots/test-support";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@expose
class Service {
  ping(): string {
    return "pong";
  }
}

function startNs(port = 0): Promise<RunningNameServer> {
  return startNameServer({ host: "127.0.0.1", port, broadcast: false, mdns: false, env: {} });
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

describe("leased registrations (client side)", function () {
  this.timeout(30_000);

  it("keeps the lease alive: the name outlives its TTL while the daemon runs", async () => {
    await using ns = await startNs();
    const events: LeaseEvent[] = [];
    await using daemon = await Daemon.create({ host: "127.0.0.1", port: 0, env: {}, nsDiscovery: [], onLeaseEvent: (e) => events.push(e) });
    const uri = await daemon.registerName("kept.one", Service, { ttl: 1, nameServer: { host: "127.0.0.1", port: ns.uri.port } });
    await sleep(2500);
    await using client = await locateNS({ host: "127.0.0.1", port: ns.uri.port, env: {} });
    expect(String(await client.lookup("kept.one"))).to.equal(String(uri));
    expect(events.map((e) => e.type)).to.deep.equal(["granted"]);
  });

  it("a name server that restarts empty: keepalives fail (reported), then the lease is replaced and the names registered again", async () => {
    let ns = await startNs();
    const port = ns.uri.port!;
    const events: LeaseEvent[] = [];
    const daemon = await Daemon.create({ host: "127.0.0.1", port: 0, env: {}, nsDiscovery: [], onLeaseEvent: (e) => events.push(e) });
    try {
      const nameServer = { host: "127.0.0.1", port };
      await daemon.registerName("again.one", Service, { ttl: 1, nameServer });
      await daemon.registerName("again.two", new Service(), { ttl: 1, nameServer, metadata: ["t"] });
      await ns.close();
      await until("a failed keepalive is reported", async () => events.some((e) => e.type === "keepalive-failed"), 5000);
      ns = await startNs(port);
      await using client = await locateNS({ host: "127.0.0.1", port, env: {} });
      await until("both names are registered again", async () => Object.keys(await client.list("again.")).length === 2, 8000);
      expect((await client.lookup("again.two", true))[1]).to.deep.equal(["t"]);
      const types = events.map((e) => e.type);
      expect(types).to.include.members(["granted", "keepalive-failed", "lease-lost", "reregistered"]);
      expect(types.indexOf("lease-lost")).to.be.lessThan(types.lastIndexOf("reregistered"));
    } finally {
      await daemon.shutdown();
      await ns.close();
    }
  });

  it("hears each lease event once through the daemon's one listener, however many names it registers", async () => {
    await using ns = await startNs();
    const nameServer = { host: "127.0.0.1", port: ns.uri.port };
    const events: LeaseEvent[] = [];
    const daemon = await Daemon.create({ host: "127.0.0.1", port: 0, env: {}, nsDiscovery: [], onLeaseEvent: (e) => events.push(e) });
    for (const name of ["one.a", "one.b", "one.c"]) await daemon.registerName(name, Service, { ttl: 1, nameServer });
    await daemon.shutdown();
    expect(events.map((e) => e.type)).to.deep.equal(["granted", "revoked"]);
    // registerName takes no listener of its own any more: the daemon kept every one it was given, for good.
    await using other = await Daemon.create({ host: "127.0.0.1", port: 0, env: {}, nsDiscovery: [] });
    const refusal = await failure(other.registerName("one.d", Service, { nameServer, onLeaseEvent: () => undefined } as NameRegistrationOptions));
    expect(refusal)
      .to.be.instanceOf(TypeError)
      .and.match(/pass it to Daemon\.create\(\{ onLeaseEvent \}\)/);
    expect(other.registeredNames).to.deep.equal([]);
  });

  it("a safe registration of a taken name fails, and nothing is kept for it", async () => {
    await using ns = await startNs();
    await using client = await locateNS({ host: "127.0.0.1", port: ns.uri.port, env: {} });
    await client.register("taken", "PYRO:x@127.0.0.1:1");
    await using daemon = await Daemon.create({ host: "127.0.0.1", port: 0, env: {}, nsDiscovery: [] });
    const error = await failure(daemon.registerName("taken", Service, { safe: true, nameServer: { host: "127.0.0.1", port: ns.uri.port } }));
    expect(error)
      .to.be.instanceOf(NamingError)
      .and.match(/name already registered: taken/);
    expect(daemon.registeredNames).to.deep.equal([]);
  });
});
