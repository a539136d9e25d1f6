/**
 * Pool proxies over real worker processes registered (with leases) in a real name server: calls
 * spread as the strategy says; a worker SIGKILLed during 1,000 calls costs no idempotent call; a
 * worker drained during 1,000 non-idempotent calls costs no call at all and runs each exactly once;
 * a SIGKILLed worker's leased name goes within about its TTL and the pool follows; session-mode
 * workers pin a client; Python Pyro4 sees the workers as ordinary names.
 */
import { expect } from "chai";
import { NamingError, Proxy, type Remote, batch, locateNS, pool, poolStats, runBatch, withOptions } from "@pyrots/core";
import { type RunningNameServer, startNameServer } from "@pyrots/nameserver";
import { type WorkerProcess, drive, startWorker, startWorkers } from "../support/fleet.js";
import { runProcess } from "@pyrots/test-support";
import { PYTHON, pythonEnv, requirePython } from "../support/python.js";

interface WorkerApi {
  work(id: number, ms?: number): Promise<{ id: number; worker: string }>;
  ticks(n: number): AsyncIterable<string>;
  note(id: number): Promise<void>;
  record(id: number, ms?: number): Promise<{ id: number; worker: string }>;
  whoami(): Promise<string>;
  counts(): Promise<{ work: number; record: number }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("fleets: pool proxies over worker processes", function () {
  this.timeout(60_000);
  let ns: RunningNameServer;
  let nsHosts: string;
  let workers: WorkerProcess[] = [];
  const pools: Remote<WorkerApi>[] = [];

  /** A pool over `prefix` on the test's name server, closed after the test. */
  const poolOf = (prefix: string, options: Parameters<typeof pool>[1] = {}): Remote<WorkerApi> => {
    const made = pool<WorkerApi>(`PYRONAME:${prefix}@${nsHosts}`, { env: {}, ...options });
    pools.push(made);
    return made;
  };

  before(async () => {
    ns = await startNameServer({ host: "127.0.0.1", port: 0, broadcast: false, mdns: false, env: {} });
    nsHosts = `127.0.0.1:${ns.uri.port}`;
  });
  after(() => ns.close());
  afterEach(async () => {
    for (const made of pools.splice(0)) await made[Symbol.asyncDispose]();
    await Promise.all(workers.splice(0).map((w) => w.kill()));
  });

  it("9 calls round-robin over 3 workers land 3/3/3", async () => {
    workers = await startWorkers("rr.", 3, nsHosts);
    const fleet = poolOf("rr.", { strategy: "round-robin" });
    const landed = new Map<string, number>();
    for (let i = 0; i < 9; i++) {
      const { worker } = await fleet.work(i);
      landed.set(worker, (landed.get(worker) ?? 0) + 1);
    }
    expect([...landed.entries()].sort()).to.deep.equal([
      ["rr.1", 3],
      ["rr.2", 3],
      ["rr.3", 3],
    ]);
  });

  it("a worker SIGKILLed during 1,000 idempotent calls: no call fails, every result arrives once", async () => {
    workers = await startWorkers("kill.", 3, nsHosts, { ttl: 3 });
    const fleet = poolOf("kill.", { timeout: 20 });
    const victim = workers[1]!;
    const outcome = await drive(1000, 24, (i) => fleet.work(i, 2), { done: 300, run: () => victim.kill() });
    expect(outcome.failures.size, `failures: ${[...outcome.failures.values()].slice(0, 3).join("; ")}`).to.equal(0);
    expect(outcome.results.size).to.equal(1000);
    for (const [i, result] of outcome.results) expect((result as { id: number }).id).to.equal(i);
    const stats = poolStats(fleet);
    // The calls in flight on the victim when it died were sent again: the path under test ran.
    expect(stats.retries).to.be.greaterThan(0);
    expect(stats.failedCalls).to.equal(0);
    const late = [...outcome.results.entries()].filter(([i]) => i >= 700).map(([, r]) => (r as { worker: string }).worker);
    expect(late).to.not.include("kill.2");
  });

  it("a worker drained during 1,000 non-idempotent calls: no call fails, each runs exactly once", async () => {
    workers = await startWorkers("drain.", 3, nsHosts, { ttl: 5 });
    const fleet = poolOf("drain.", { timeout: 20 });
    const leaving = workers[0]!;
    let drained: { ran: number; finished: string } | undefined;
    const outcome = await drive(1000, 24, (i) => fleet.record(i, 3), {
      done: 300,
      run: async () => {
        drained = await leaving.drain();
      },
    });
    expect(outcome.failures.size, `failures: ${[...outcome.failures.values()].slice(0, 3).join("; ")}`).to.equal(0);
    expect(outcome.results.size).to.equal(1000);
    expect(drained!.finished).to.equal("true");
    // Exactly once: what the drained worker ran plus what the others ran is the 1,000 calls.
    const others = await Promise.all(workers.slice(1).map(async (w) => (await new Proxy<WorkerApi>(w.uri, { env: {} }).counts()).record));
    expect(drained!.ran + others[0]! + others[1]!).to.equal(1000);
    expect(poolStats(fleet).failedCalls).to.equal(0);
  });

  it("a SIGKILLed daemon's leased name goes within about the TTL, and the pool stops using it", async () => {
    const ttl = 2;
    workers = await startWorkers("lease.", 2, nsHosts, { ttl });
    const fleet = poolOf("lease.", { strategy: "round-robin" });
    await fleet.work(0);
    await using nsProxy = await locateNS({ host: "127.0.0.1", port: ns.uri.port, env: {} });
    // Kept alive: still registered after more than the TTL.
    await sleep(ttl * 1000 + 800);
    expect(String(await nsProxy.lookup("lease.2"))).to.equal(workers[1]!.uri);
    const killedAt = Date.now();
    await workers[1]!.kill();
    let goneAfter = 0;
    for (;;) {
      const gone = await nsProxy.lookup("lease.2").then(
        () => false,
        (error: unknown) => error instanceof NamingError,
      );
      if (gone) {
        goneAfter = Date.now() - killedAt;
        break;
      }
      if (Date.now() - killedAt > ttl * 1000 + 3000) throw new Error("the leased name outlived its TTL by 3 s");
      await sleep(50);
    }
    console.log(`      leased name gone ${goneAfter} ms after SIGKILL (TTL ${ttl} s)`);
    expect(goneAfter).to.be.greaterThan(ttl * 1000 - 1500);
    // The pool's watch saw it go: every call lands on the survivor, none waits for a breaker.
    for (let i = 0; i < 6; i++) expect((await fleet.work(i)).worker).to.equal("lease.1");
    expect(poolStats(fleet).workers.map((w) => w.name)).to.deep.equal(["lease.1"]);
  });

  it("a worker registered later joins the pool without any polling call from the client", async () => {
    workers = await startWorkers("late.", 1, nsHosts);
    const fleet = poolOf("late.", { strategy: "round-robin" });
    await fleet.work(0);
    workers.push(await startWorker("late.2", nsHosts));
    const deadline = Date.now() + 5000;
    while (poolStats(fleet).workers.length < 2) {
      if (Date.now() > deadline) throw new Error("the pool did not learn of the new worker");
      await sleep(20);
    }
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add((await fleet.work(i)).worker);
    expect([...seen].sort()).to.deep.equal(["late.1", "late.2"]);
  });

  it("session-mode workers: a client stays on one worker (its session), another client may use another", async () => {
    workers = await startWorkers("sess.", 3, nsHosts, { mode: "session" });
    const one = poolOf("sess.", { strategy: "round-robin" });
    const sessions = new Set<string>();
    for (let i = 0; i < 6; i++) sessions.add(await one.whoami());
    expect(sessions.size).to.equal(1);
    expect(poolStats(one).pinned).to.be.a("string");
    // Told to spread anyway, calls go round and meet several sessions.
    const spread = poolOf("sess.", { strategy: "round-robin", sessionAffinity: false });
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add(await spread.whoami());
    expect(seen.size).to.equal(3);
  });

  it("by tags (PYROMETA:), with a per-call deadline from withOptions", async () => {
    workers = [await startWorker("tag.a", nsHosts, { tags: ["fleet:t"] }), await startWorker("tag.b", nsHosts, { tags: ["fleet:t", "gpu"] })];
    const everyone = pool<WorkerApi>(`PYROMETA:fleet:t@${nsHosts}`, { env: {}, strategy: "round-robin" });
    const gpus = pool<WorkerApi>(`PYROMETA:fleet:t,gpu@${nsHosts}`, { env: {} });
    pools.push(everyone, gpus);
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add((await withOptions(everyone, { timeout: 5 }).work(i)).worker);
    expect([...seen].sort()).to.deep.equal(["tag.a", "tag.b"]);
    expect((await gpus.work(1)).worker).to.equal("tag.b");
  });

  it("a stream stays on the worker it started on; a batch runs on one worker; oneway calls go out", async () => {
    workers = await startWorkers("mix.", 3, nsHosts);
    const fleet = poolOf("mix.", { strategy: "round-robin" });
    const items: string[] = [];
    for await (const item of fleet.ticks(6)) items.push(item);
    expect(items).to.have.length(6);
    expect(new Set(items.map((i) => i.split(":")[0])).size).to.equal(1);
    const b = batch(fleet);
    for (let i = 0; i < 5; i++) b.work(i);
    const results = (await runBatch(b)) as { worker: string }[];
    expect(results).to.have.length(5);
    expect(new Set(results.map((r) => r.worker)).size).to.equal(1);
    await Promise.all([1, 2, 3].map((i) => fleet.note(i)));
    // Oneway calls resolve once sent; the workers run them a moment later.
    const readers = workers.map((w) => new Proxy<WorkerApi>(w.uri, { env: {} }));
    const until = Date.now() + 5000;
    let total = 0;
    while ((total = (await Promise.all(readers.map(async (r) => (await r.counts()).record))).reduce((a, c) => a + c, 0)) < 3 && Date.now() < until)
      await sleep(20);
    expect(total).to.equal(3);
    for (const r of readers) await r[Symbol.asyncDispose]();
  });

  it("the Proxy constructor makes a pool too: new Proxy(uri, { pool })", async () => {
    workers = await startWorkers("ctor.", 2, nsHosts);
    const fleet = new Proxy<WorkerApi>(`PYRONAME:ctor.@${nsHosts}`, { env: {}, pool: { strategy: "round-robin" } });
    pools.push(fleet);
    expect(fleet).to.be.instanceOf(Proxy);
    const seen = new Set([(await fleet.work(1)).worker, (await fleet.work(2)).worker]);
    expect(seen.size).to.equal(2);
  });

  it("Python Pyro4 sees the workers as ordinary names and calls them", async function () {
    requirePython(this);
    workers = await startWorkers("py.", 2, nsHosts, { ttl: 10 });
    const script = `
import sys, Pyro4
ns = Pyro4.locateNS("127.0.0.1", int(sys.argv[1]))
names = sorted(n for n in ns.list(prefix="py.").keys())
print("names", " ".join(names))
with Pyro4.Proxy("PYRONAME:py.2@127.0.0.1:" + sys.argv[1]) as w:
    print("worker", w.work(7)["worker"])
`;
    const result = await runProcess(PYTHON, ["-c", script, String(ns.uri.port)], { env: pythonEnv({}) });
    expect(result.stdout).to.include("names py.1 py.2");
    expect(result.stdout).to.include("worker py.2");
  });
});
