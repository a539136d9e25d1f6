/**
 * Failures with real processes, each bounded in time: the etcd leader SIGKILLed in the middle of
 * 1,000 lookups and registrations (lookups keep answering from the local copy, no acknowledged
 * registration is lost), a name server replica SIGKILLed mid-lookup (the client retries on the
 * other replica), and replicas cut off from etcd (their member, or every member, SIGSTOPped): they
 * report it, refuse writes with a clear error, stop answering reads past the stale limit, and catch
 * up when etcd is back.
 */
import { expect } from "chai";
import { NamingError, PyroError } from "@pyrots/core";
import { EtcdStorage } from "@pyrots/nameserver";
import { describeEtcd, type EtcdCluster, eventually, failure, startEtcdCluster } from "@pyrots/test-support";
import { type NsProcess, nsProxy, startNsProcess } from "../support/ns-process.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const uriOf = (i: number) => `PYRO:chaos${i}@127.0.0.1:${10_000 + i}`;

describeEtcd("chaos: etcd members, the leader and replicas fail", function () {
  this.timeout(40_000);
  let cluster: EtcdCluster;
  const started: NsProcess[] = [];
  const replica = async (spec: string) => {
    const ns = await startNsProcess(spec);
    started.push(ns);
    return ns;
  };

  beforeEach(async function () {
    this.timeout(30_000);
    cluster = await startEtcdCluster();
  });
  afterEach(async () => {
    for (const ns of started.splice(0)) await ns.stop();
    await cluster?.stop();
  });

  it("loses no acknowledged registration and no lookup when the etcd leader dies mid-run", async () => {
    const spec = `etcd:${cluster.endpoints}/chaos`;
    const [a, b] = await Promise.all([replica(spec), replica(spec)]);
    const proxies = [nsProxy(a.uri), nsProxy(b.uri), nsProxy(a.uri), nsProxy(b.uri)];
    try {
      for (let i = 0; i < 20; i++) await proxies[0]!.register(`base.${i}`, uriOf(i));
      await eventually(async () => expect(Object.keys(await proxies[1]!.list("base."))).to.have.length(20), 5_000);

      const OPERATIONS = 1_000;
      let next = 0;
      let lookupFailures = 0;
      let registrationRetries = 0;
      const reasons = new Map<string, number>();
      let slowest = 0;
      const acknowledged: number[] = [];
      let killed: Promise<void> | undefined;
      const killAt = Math.floor(OPERATIONS / 4);
      const worker = async (proxy: (typeof proxies)[number]) => {
        while (next < OPERATIONS) {
          const op = next++;
          if (op === killAt) killed = cluster.leader().then((leader) => cluster.kill(leader));
          if (op % 3 !== 0) {
            try {
              expect(String(await proxy.lookup(`base.${op % 20}`))).to.equal(uriOf(op % 20));
            } catch {
              lookupFailures++;
            }
            continue;
          }
          // A registration is retried until acknowledged (bounded): what counts is what was acknowledged.
          const started = Date.now();
          for (let attempt = 0; ; attempt++) {
            try {
              await proxy.register(`reg.${op}`, uriOf(op), false, [`op:${op}`]);
              acknowledged.push(op);
              break;
            } catch (error) {
              expect(error).to.be.instanceOf(PyroError);
              if (attempt >= 100) throw error;
              const key = (error as Error).message.replace(/\d+/g, "N").slice(0, 160);
              reasons.set(key, (reasons.get(key) ?? 0) + 1);
              registrationRetries++;
              await sleep(50);
            }
          }
          slowest = Math.max(slowest, Date.now() - started);
        }
      };
      await Promise.all(proxies.map((proxy) => worker(proxy)));
      await killed;
      console.log(
        `      ${OPERATIONS} operations, leader killed at #${killAt}: ${acknowledged.length} registrations acknowledged, ` +
          `${registrationRetries} retries, slowest registration ${slowest} ms, ${lookupFailures} failed lookups`,
      );
      for (const [reason, count] of reasons) console.log(`        ${count} × ${reason}`);
      expect(lookupFailures).to.equal(0);
      expect(acknowledged).to.have.length(Math.ceil(OPERATIONS / 3));
      for (const proxy of proxies.slice(0, 2)) {
        const listed = await eventually(async () => {
          const names = (await proxy.list("reg.", null, null, null, true)) as Record<string, [string, string[]]>;
          expect(Object.keys(names)).to.have.length(acknowledged.length);
          return names;
        }, 10_000);
        for (const op of acknowledged) expect(listed[`reg.${op}`]).to.deep.equal([uriOf(op), [`op:${op}`]]);
      }
      expect((await proxies[0]!.health()).state).to.equal("ok");
    } finally {
      await Promise.all(proxies.map((proxy) => proxy[Symbol.asyncDispose]()));
    }
  });

  it("lets a client whose replica was killed mid-lookup retry on the other replica", async () => {
    const spec = `etcd:${cluster.endpoints}/failover`;
    const [a, b] = await Promise.all([replica(spec), replica(spec)]);
    await using pa = nsProxy(a.uri);
    await using pb = nsProxy(b.uri);
    await pa.register("failover.svc", "PYRO:svc@127.0.0.1:7000");
    const replicas = [pa, pb];
    let current = 0;
    let failovers = 0;
    let answered = 0;
    const lookups = (async () => {
      for (let i = 0; i < 400; i++) {
        try {
          expect(String(await replicas[current]!.lookup("failover.svc"))).to.equal("PYRO:svc@127.0.0.1:7000");
          answered++;
        } catch (error) {
          // The client side of failover, done by hand here: move to the next replica and retry.
          expect(error).to.be.instanceOf(PyroError);
          expect(current, "only replica a dies").to.equal(0);
          current = 1;
          failovers++;
          i--;
        }
      }
    })();
    await sleep(100);
    await a.kill();
    await lookups;
    expect(failovers).to.equal(1);
    expect(answered).to.equal(400);
  });

  it("catches up after its member was down while etcd compacted the history it had not seen", async () => {
    const behind = new EtcdStorage({ endpoints: [cluster.members[2]!.endpoint], prefix: "compact", requestTimeout: 1, heartbeat: 0.25 });
    const writer = new EtcdStorage({ endpoints: [cluster.members[0]!.endpoint, cluster.members[1]!.endpoint], prefix: "compact" });
    try {
      await Promise.all([behind.start(), writer.start()]);
      await writer.set("old.kept", { uri: "PYRO:kept@127.0.0.1:1", metadata: [] });
      await writer.set("old.removed", { uri: "PYRO:removed@127.0.0.1:1", metadata: [] });
      await eventually(async () => expect(behind.get("old.removed")).to.not.equal(undefined), 5_000);

      await cluster.kill(2);
      await writer.remove(["old.removed"]);
      for (let i = 0; i < 20; i++) await writer.set(`new.${i}`, { uri: `PYRO:n${i}@127.0.0.1:1`, metadata: [] });
      // Compact everything so far: the history the lagging replica would resume from is gone.
      const status = (await (
        await fetch(`http://${cluster.members[0]!.endpoint}/v3/kv/range`, { method: "POST", body: JSON.stringify({ key: "AA==" }) })
      ).json()) as {
        header: { revision: string };
      };
      const compacted = await fetch(`http://${cluster.members[0]!.endpoint}/v3/kv/compaction`, {
        method: "POST",
        body: JSON.stringify({ revision: status.header.revision, physical: true }),
      });
      expect(compacted.status).to.equal(200);
      await cluster.restart(2);

      await eventually(async () => {
        expect(behind.health().state).to.equal("ok");
        expect(behind.get("new.19")?.uri).to.equal("PYRO:n19@127.0.0.1:1");
      }, 15_000);
      expect(behind.get("old.removed")).to.equal(undefined);
      expect([...behind.list().keys()]).to.deep.equal(["old.kept", ...Array.from({ length: 20 }, (_, i) => `new.${i}`)]);
    } finally {
      behind.close();
      writer.close();
    }
  });

  it("makes a replica cut off from etcd say so, refuse writes and stale reads, then catch up", async () => {
    const options = "?stale=3&timeout=1&heartbeat=0.25";
    // The partitioned replica knows only member 2; the healthy one knows members 0 and 1.
    const cut = await replica(`etcd:${cluster.members[2]!.endpoint}/partition${options}`);
    const ok = await replica(`etcd:${cluster.members[0]!.endpoint},${cluster.members[1]!.endpoint}/partition${options}`);
    await using pc = nsProxy(cut.uri);
    await using po = nsProxy(ok.uri);
    await pc.register("part.before", "PYRO:before@127.0.0.1:1");
    await eventually(() => po.lookup("part.before"), 5_000);

    cluster.pause(2);
    const write = await failure(pc.register("part.during", "PYRO:during@127.0.0.1:1"));
    expect(write).to.be.instanceOf(NamingError);
    expect(write.message).to.match(/^etcd at 127\.0\.0\.1:\d+ did not answer within 1 s; the registration may or may not have been applied/);
    const degraded = await eventually(async () => {
      const health = await pc.health();
      expect(health.state).to.equal("degraded");
      return health;
    }, 5_000);
    expect(degraded.detail).to.match(/no confirmed contact with etcd/);
    // Still answering from its copy within the limit...
    expect(String(await pc.lookup("part.before"))).to.equal("PYRO:before@127.0.0.1:1");
    // ...while the rest of the cluster goes on.
    // (Retried: with a 1 s timeout, a write can fall into the election that follows losing member 2.)
    await eventually(() => po.register("part.elsewhere", "PYRO:elsewhere@127.0.0.1:1"), 10_000);
    // Past the stale limit: reads are refused, with a reason.
    await eventually(async () => expect((await pc.health()).state).to.equal("stale"), 6_000);
    const read = await failure(pc.lookup("part.before"));
    expect(read).to.be.instanceOf(NamingError);
    expect(read.message).to.match(/cannot vouch for its names: no confirmed contact with etcd for [\d.]+ s \(limit 3 s\).*ask another name server/);
    expect(String(await pc.lookup("Pyro.NameServer"))).to.equal(cut.uri);

    cluster.resume(2);
    await eventually(async () => expect((await pc.health()).state).to.equal("ok"), 15_000);
    expect(String(await pc.lookup("part.elsewhere"))).to.equal("PYRO:elsewhere@127.0.0.1:1");

    // Every member gone quiet: the healthy replica reports it too, and recovers with the cluster.
    for (const index of [0, 1, 2]) cluster.pause(index);
    await eventually(async () => expect((await po.health()).state).to.equal("degraded"), 5_000);
    expect((await failure(po.register("part.none", "PYRO:none@127.0.0.1:1"))).message).to.match(
      /^(etcd at \S+ did not answer within 1 s; the registration may or may not have been applied|no etcd member at \S+ is reachable .*; the registration was not confirmed)/,
    );
    for (const index of [0, 1, 2]) cluster.resume(index);
    await eventually(async () => expect((await po.health()).state).to.equal("ok"), 15_000);
    await eventually(() => po.register("part.after", "PYRO:after@127.0.0.1:1"), 10_000);
    await eventually(() => pc.lookup("part.after"), 5_000);
  });
});
