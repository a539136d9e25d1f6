/**
 * Graceful drain of a daemon (`daemon.shutdown()`), seen from plain proxies over real sockets:
 * names are withdrawn first, new calls and connections are refused in a way that says "not run",
 * calls in flight finish (within the bound), open remote iterators can be read to their end,
 * oneway calls still run, and the HTTP health endpoint turns not-ready.
 */
import { expect } from "chai";
import { CommunicationError, Daemon, DaemonError, NamingError, Proxy, behavior, expose, locateNS, oneway } from "@pyrots/core";
import { wasNotSent } from "@pyrots/core/internal";
import { startNameServer } from "@pyrots/nameserver";
import { failure } from "@pyrots/test-support";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What every Service instance did, for the tests to check. */
const ran = { slow: 0, notes: 0 };

@behavior({ instanceMode: "single" })
@expose
class Service {
  async slow(ms: number): Promise<string> {
    ran.slow++;
    await sleep(ms);
    return "done";
  }
  @oneway
  note(): void {
    ran.notes++;
  }
  *count(n: number): Generator<number> {
    for (let i = 0; i < n; i++) yield i;
  }
}

interface ServiceApi {
  slow(ms: number): Promise<string>;
  note(): Promise<void>;
  count(n: number): AsyncIterable<number>;
}

async function get(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("graceful drain", function () {
  this.timeout(20_000);

  it("finishes calls in flight, refuses new ones unrun (DRAN) and new connections, still runs oneways", async () => {
    const daemon = await Daemon.create({ host: "127.0.0.1", port: 0, env: {} });
    const uri = daemon.register(Service, "service");
    await using proxy = new Proxy<ServiceApi>(uri, { env: {} });
    await proxy.slow(0);
    const before = ran.slow;
    const inFlight = proxy.slow(400);
    await sleep(50);
    const stopping = daemon.shutdown({ drainTimeout: 5 });
    await sleep(50);
    expect(daemon.state).to.equal("draining");

    const refused = await failure(proxy.slow(0));
    expect(refused).to.be.instanceOf(DaemonError);
    expect(refused.message).to.match(/daemon is draining .*the call was not run; send it to another daemon/);
    expect(wasNotSent(refused), "a refusal marked as not run").to.equal(true);

    const newcomer = new Proxy<ServiceApi>(uri, { env: {} });
    const turnedAway = await failure(newcomer.slow(0));
    expect(turnedAway).to.be.instanceOf(CommunicationError);
    expect(turnedAway.message).to.match(/daemon is draining .*takes no new connections/);
    expect(wasNotSent(turnedAway)).to.equal(true);

    const notesBefore = ran.notes;
    await proxy.note();
    expect(await inFlight).to.equal("done");
    await stopping;
    expect(ran.slow - before).to.equal(1);
    expect(ran.notes - notesBefore).to.equal(1);
    expect(daemon.state).to.equal("stopped");
    expect(daemon.drainOutcome).to.deep.include({ finished: true, callsLeft: 0, streamsLeft: 0 });
  });

  it("refuses unrun in the protocol the client speaks: a Pyro5 connection gets its DRAN refusal in 502", async () => {
    const daemon = await Daemon.create({ host: "127.0.0.1", port: 0, env: {} });
    const uri = daemon.register(Service, "service");
    await using proxy = new Proxy<ServiceApi>(uri, { env: {}, protocol: "pyro5" });
    await proxy.slow(0);
    const inFlight = proxy.slow(300);
    await sleep(50);
    const stopping = daemon.shutdown({ drainTimeout: 5 });
    await sleep(50);
    const refused = await failure(proxy.slow(0));
    expect(refused).to.be.instanceOf(DaemonError);
    expect(refused.message).to.match(/daemon is draining .*the call was not run; send it to another daemon/);
    expect(wasNotSent(refused), "a refusal marked as not run").to.equal(true);
    expect(await inFlight).to.equal("done");
    await stopping;
  });

  it("lets an open remote iterator be read to its end while draining", async () => {
    const daemon = await Daemon.create({ host: "127.0.0.1", port: 0, env: {} });
    await using proxy = new Proxy<ServiceApi>(daemon.register(Service, "service"), { env: {} });
    const items: number[] = [];
    const iterator = proxy.count(5)[Symbol.asyncIterator]();
    items.push((await iterator.next()).value as number);
    const stopping = daemon.shutdown({ drainTimeout: 5 });
    await sleep(50);
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) items.push(step.value);
    await stopping;
    expect(items).to.deep.equal([0, 1, 2, 3, 4]);
    expect(daemon.drainOutcome!.finished).to.equal(true);
  });

  it("gives up waiting after drainTimeout, and says what was left", async () => {
    const daemon = await Daemon.create({ host: "127.0.0.1", port: 0, env: {} });
    await using proxy = new Proxy<ServiceApi>(daemon.register(Service, "service"), { env: {} });
    const long = proxy.slow(3000).catch((error: unknown) => error);
    await sleep(50);
    await daemon.shutdown({ drainTimeout: 0.3 });
    expect(daemon.drainOutcome).to.deep.include({ finished: false, callsLeft: 1 });
    expect(await long).to.be.instanceOf(Error);
  });

  it("withdraws the daemon's leased names first: gone from the name server when shutdown returns, long before the TTL", async () => {
    await using ns = await startNameServer({ host: "127.0.0.1", port: 0, broadcast: false, mdns: false, env: {} });
    const daemon = await Daemon.create({ host: "127.0.0.1", port: 0, env: {}, nsDiscovery: [] });
    const nameServer = { host: "127.0.0.1", port: ns.uri.port };
    const uri = await daemon.registerName("drain.service", Service, { ttl: 60, metadata: ["fleet:drain"], nameServer });
    await daemon.registerName("drain.plain", daemon.register(new Service(), "plain"), { ttl: 0, nameServer });
    expect(daemon.registeredNames.sort()).to.deep.equal(["drain.plain", "drain.service"]);
    await using client = await locateNS({ host: "127.0.0.1", port: ns.uri.port, env: {} });
    expect(await client.lookup("drain.service", true)).to.deep.equal([uri, ["fleet:drain"]]);
    await daemon.shutdown();
    for (const name of ["drain.service", "drain.plain"]) expect(await failure(client.lookup(name))).to.be.instanceOf(NamingError);
  });

  it("serves /livez, /readyz and /healthz: not ready once draining, not live once stopped", async () => {
    const daemon = await Daemon.create({ host: "127.0.0.1", port: 0, env: {} });
    await using proxy = new Proxy<ServiceApi>(daemon.register(Service, "service"), { env: {} });
    await using health = await daemon.serveHealth();
    expect(health.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await get(`${health.url}/readyz`)).to.deep.equal({ status: 200, body: { state: "serving" } });
    await proxy.slow(0);
    const detail = await get(`${health.url}/healthz`);
    expect(detail.status).to.equal(200);
    expect(detail.body).to.include({ state: "serving", connections: 1, callsInFlight: 0, streams: 0 });
    const inFlight = proxy.slow(300);
    await sleep(30);
    const stopping = daemon.shutdown();
    await sleep(30);
    expect(await get(`${health.url}/readyz`)).to.deep.equal({ status: 503, body: { state: "draining" } });
    expect(await get(`${health.url}/livez`)).to.deep.equal({ status: 200, body: { state: "draining" } });
    expect((await get(`${health.url}/healthz`)).body).to.include({ state: "draining", callsInFlight: 1 });
    await inFlight;
    await stopping;
    expect(await get(`${health.url}/livez`)).to.deep.equal({ status: 503, body: { state: "stopped" } });
    expect((await get(`${health.url}/nothing`)).status).to.equal(404);
    expect((await fetch(`${health.url}/readyz`, { method: "POST" })).status).to.equal(405);
  });
});
