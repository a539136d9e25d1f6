/**
 * Two `pyro-ns` processes on one real 3-member etcd cluster serve the same names: what one
 * registers the other resolves, each answers for its own `Pyro.NameServer` entry, writes are
 * visible to the writer's next read, a safe registration raced through both replicas lands once,
 * and Python Pyro4 (`Pyro4.locateNS`, `python3 -m Pyro4.nsc`) works against either replica.
 */
import { expect } from "chai";
import { NamingError, URI } from "@pyrots/core";
import { describeEtcd, type EtcdCluster, eventually, failure, runProcess, startEtcdCluster } from "@pyrots/test-support";
import { type NsProcess, nsProxy, startNsProcess } from "../support/ns-process.js";
import { PYTHON, pythonEnv, requirePython } from "../support/python.js";

const PY_HA = `
import json, sys, time, Pyro4

def until(check, seconds=5.0):
    # The other replica's watch delivers within milliseconds; poll a little, never forever.
    deadline = time.time() + seconds
    while True:
        try:
            result = check()
            if result is not None:
                return result
        except Pyro4.errors.NamingError:
            pass
        if time.time() > deadline:
            raise RuntimeError("replica did not catch up")
        time.sleep(0.02)

a, b = (Pyro4.locateNS("127.0.0.1", int(port)) for port in sys.argv[1:3])
a.register("py.ha", "PYRO:py@127.0.0.1:4000", metadata={"py"})
lease = a.lease_grant(30)
a.register("py.leased", "PYRO:pl@127.0.0.1:4001", lease=lease)
seen = until(lambda: b.lookup("py.ha", return_metadata=True))
before = until(lambda: sorted(b.list(prefix="py.")) if len(b.list(prefix="py.")) == 2 else None)
revoked = b.lease_revoke(lease)
after = until(lambda: sorted(a.list(prefix="py.")) if len(a.list(prefix="py.")) == 1 else None)
print(json.dumps({"seen": [str(seen[0]), sorted(seen[1])], "before": before, "revoked": revoked, "after": after, "health": b.health()["state"]}))
`;

describeEtcd("replicas: two pyro-ns on one etcd cluster", function () {
  this.timeout(30_000);
  let cluster: EtcdCluster;
  let a: NsProcess;
  let b: NsProcess;

  before(async function () {
    this.timeout(30_000);
    cluster = await startEtcdCluster();
    const spec = `etcd:${cluster.endpoints}/replicas-${process.pid}`;
    [a, b] = await Promise.all([startNsProcess(spec), startNsProcess(spec)]);
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await cluster?.stop();
  });

  it("resolve on one what was registered on the other, each with its own name server entry", async () => {
    await using pa = nsProxy(a.uri);
    await using pb = nsProxy(b.uri);
    await pa.register("svc.one", "PYRO:one@127.0.0.1:5001", false, ["tier:web"]);
    // Read-your-writes on the writer, at once.
    expect(String(await pa.lookup("svc.one"))).to.equal("PYRO:one@127.0.0.1:5001");
    const [uri, tags] = await eventually(() => pb.lookup("svc.one", true));
    expect(uri).to.be.instanceOf(URI);
    expect([String(uri), tags]).to.deep.equal(["PYRO:one@127.0.0.1:5001", ["tier:web"]]);

    await pb.set_metadata("svc.one", ["tier:api"]);
    expect(await pb.yplookup(["tier:api"])).to.deep.equal({ "svc.one": ["PYRO:one@127.0.0.1:5001", ["tier:api"]] });
    await eventually(async () => expect(await pa.yplookup(["tier:api"])).to.have.property("svc.one"));

    expect(String(await pa.lookup("Pyro.NameServer"))).to.equal(a.uri);
    expect(String(await pb.lookup("Pyro.NameServer"))).to.equal(b.uri);
    expect(await pa.count()).to.equal(await pb.count());
    expect(await pb.remove("Pyro.NameServer")).to.equal(0);

    expect(await pb.remove("svc.one")).to.equal(1);
    expect(await pb.remove("svc.one")).to.equal(0);
    await eventually(async () => expect((await failure(pa.lookup("svc.one"))).message).to.match(/unknown name/));
    expect(await pa.health()).to.deep.include({ state: "ok", storage: "etcd", stale_limit: 30 });
  });

  it("lands a safe registration raced through both replicas exactly once", async () => {
    await using pa = nsProxy(a.uri);
    await using pb = nsProxy(b.uri);
    for (let round = 0; round < 20; round++) {
      const name = `race.${round}`;
      const outcomes = await Promise.allSettled([pa.register(name, `PYRO:a${round}@127.0.0.1:1`, true), pb.register(name, `PYRO:b${round}@127.0.0.1:1`, true)]);
      const won = outcomes.filter((o) => o.status === "fulfilled");
      expect(won, name).to.have.length(1);
      const lost = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
      expect(lost.reason).to.be.instanceOf(NamingError);
      expect(lost.reason.message).to.equal(`name already registered: ${name}`);
      const winner = outcomes[0]!.status === "fulfilled" ? "a" : "b";
      expect(String(await eventually(() => pa.lookup(name)))).to.equal(`PYRO:${winner}${round}@127.0.0.1:1`);
    }
  });

  it("serves Python Pyro4 clients on either replica (locateNS, kwargs, leases, nsc)", async function () {
    requirePython(this);
    const env = pythonEnv({ PYRO_SERIALIZER: "msgpack" });
    const script = await runProcess(PYTHON, ["-c", PY_HA, String(a.port), String(b.port)], { env });
    expect(script.code, script.stderr).to.equal(0);
    expect(JSON.parse(script.stdout.trim().split("\n").pop()!)).to.deep.equal({
      seen: ["PYRO:py@127.0.0.1:4000", ["py"]],
      before: ["py.ha", "py.leased"],
      revoked: true,
      after: ["py.ha"],
      health: "ok",
    });
    const nsc = await runProcess(PYTHON, ["-m", "Pyro4.nsc", "-n", "127.0.0.1", "-p", String(b.port), "list", "py."], { env });
    expect(nsc.code, nsc.stderr).to.equal(0);
    expect(nsc.stdout).to.match(/py\.ha --> PYRO:py@127\.0\.0\.1:4000/);
  });
});
