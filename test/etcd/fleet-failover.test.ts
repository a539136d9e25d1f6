/**
 * Clients that know several name server replicas (one etcd cluster behind them) move between them
 * within one call's deadline: a `PYRONAME:` proxy and `locateNS` pass over a replica that hangs
 * (SIGSTOP); a pool's membership watch and the workers' lease keepalives move to the other replica
 * when theirs dies (SIGKILL), and no call through the pool fails meanwhile.
 */
import { expect } from "chai";
import { Proxy, locateNS, pool, poolStats, uriOf } from "@pyrots/core";
import { type EtcdCluster, describeEtcd, startEtcdCluster } from "@pyrots/test-support";
import { type WorkerProcess, drive, startWorker, startWorkers } from "../support/fleet.js";
import { type NsProcess, nsProxy, startNsProcess } from "../support/ns-process.js";

interface WorkerApi {
  work(id: number, ms?: number): Promise<{ id: number; worker: string }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeEtcd("fleets: name server replica failover (etcd)", function () {
  this.timeout(60_000);
  let cluster: EtcdCluster;
  let a: NsProcess;
  let b: NsProcess;
  let nsHosts: string;
  const workers: WorkerProcess[] = [];

  before(async function () {
    this.timeout(40_000);
    cluster = await startEtcdCluster();
    const spec = `etcd:${cluster.endpoints}/fleets-${process.pid}`;
    [a, b] = await Promise.all([startNsProcess(spec), startNsProcess(spec)]);
    nsHosts = `127.0.0.1:${a.port},127.0.0.1:${b.port}`;
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await a?.stop();
    await b?.stop();
    await cluster?.stop();
  });

  it("PYRONAME: and locateNS pass over a replica that hangs, within one call's deadline", async () => {
    workers.push(...(await startWorkers("ha.", 2, nsHosts, { ttl: 4 })));
    process.kill(a.pid, "SIGSTOP");
    try {
      let started = Date.now();
      await using named = new Proxy<WorkerApi>("PYRONAME:ha.1", { nsHost: nsHosts, nsDiscovery: [], env: {}, timeout: 3 });
      expect((await named.work(1)).worker).to.equal("ha.1");
      const named_ms = Date.now() - started;
      started = Date.now();
      await using ns = await locateNS({ nsHost: nsHosts, nsDiscovery: [], env: {}, deadline: 2 });
      const locate_ms = Date.now() - started;
      expect(uriOf(ns).port).to.equal(b.port);
      console.log(`      replica A stopped: PYRONAME call ${named_ms} ms (timeout 3 s), locateNS ${locate_ms} ms (deadline 2 s)`);
      // The hung replica got its share of the deadline, not all of it.
      expect(named_ms).to.be.lessThan(3000);
      expect(locate_ms).to.be.lessThan(2000);
      // A pool made now finds its workers through the replica that answers.
      await using fleet = pool<WorkerApi>("PYRONAME:ha.", { nsHost: nsHosts, nsDiscovery: [], env: {}, timeout: 5, strategy: "round-robin" });
      const seen = new Set([(await fleet.work(1)).worker, (await fleet.work(2)).worker]);
      expect([...seen].sort()).to.deep.equal(["ha.1", "ha.2"]);
    } finally {
      process.kill(a.pid, "SIGCONT");
    }
  });

  it("a replica dies: the pool's watch and the workers' keepalives move to the other; no call fails", async () => {
    const fleet = pool<WorkerApi>("PYRONAME:ha.", { nsHost: nsHosts, nsDiscovery: [], env: {}, timeout: 10 });
    try {
      await fleet.work(0);
      let joined: WorkerProcess | undefined;
      const outcome = await drive(600, 8, (i) => fleet.work(i, 5), {
        done: 100,
        run: async () => {
          await a.kill();
          joined = await startWorker("ha.3", nsHosts, { ttl: 4 });
          workers.push(joined);
        },
      });
      expect(outcome.failures.size, `failures: ${[...outcome.failures.values()].slice(0, 3).join("; ")}`).to.equal(0);
      // The watch, now on replica B, told the pool of the worker registered after A died.
      const deadline = Date.now() + 5000;
      while (!poolStats(fleet).workers.some((w) => w.name === "ha.3")) {
        if (Date.now() > deadline) throw new Error("the pool never learnt of ha.3");
        await sleep(50);
      }
      // The first workers' leases (4 s) outlive replica A by more than their TTL: kept alive through B.
      await sleep(5000);
      await using pb = nsProxy(b.uri);
      expect(Object.keys(await pb.list("ha.")).sort()).to.deep.equal(["ha.1", "ha.2", "ha.3"]);
    } finally {
      await fleet[Symbol.asyncDispose]();
    }
  });
});
