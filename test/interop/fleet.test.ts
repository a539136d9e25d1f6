/**
 * Pool proxies whose workers are listed by a Python name server (Pyro4's and Pyro5's, at their
 * defaults): neither has `watch`, so the pool lists the selection every `refresh` seconds, and the
 * two list differently (Pyro5's `list` has no tag arguments; tags go through its `yplookup`).
 * The workers are pyrots daemons whose `registerName` falls back to plain registrations there.
 */
import { expect } from "chai";
import { Daemon, type LeaseEvent, type NameServerProxy, type Remote, behavior, expose, locateNS, pool, poolStats } from "@pyrots/core";
import { type Spawned, spawnProcess } from "@pyrots/test-support";
import { PYRO5, PYTHON, PYTHON_PYROS, describeInterop, pythonEnvFor } from "../support/python.js";

@behavior({ instanceMode: "single" })
@expose
class Worker {
  constructor(private readonly name: string) {}
  whoami(): string {
    return this.name;
  }
}

interface WorkerApi {
  whoami(): Promise<string>;
}

async function until(what: string, check: () => boolean, ms: number): Promise<void> {
  const ends = Date.now() + ms;
  while (!check()) {
    if (Date.now() > ends) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

for (const pyro of PYTHON_PYROS) {
  describeInterop(
    `pool proxies listing their workers from Python ${pyro.name}'s name server (no watch, at its defaults)`,
    function () {
      this.timeout(60_000);
      let ns: Spawned | undefined;
      let port: number;
      const daemons: Daemon[] = [];
      const uris = new Map<string, string>();
      const pools: Remote<WorkerApi>[] = [];

      before(async () => {
        const module = pyro === PYRO5 ? "Pyro5.nameserver" : "Pyro4.naming";
        ns = spawnProcess(PYTHON, ["-m", module, "-n", "127.0.0.1", "-p", "0", "-x"], { env: pythonEnvFor("serpent", {}, pyro) });
        const [, uri] = (await ns.waitForLine(/^URI = (\S+)$/, 20_000)) as unknown as [string, string];
        port = Number(/:(\d+)$/.exec(uri)![1]);
        for (const name of ["py.fleet.a", "py.fleet.b"]) {
          const events: LeaseEvent[] = [];
          const daemon = await Daemon.create({ host: "127.0.0.1", env: {}, onLeaseEvent: (e) => events.push(e) });
          daemons.push(daemon);
          const nameServer = { host: "127.0.0.1", port };
          const uri = await daemon.registerName(name, new Worker(name), { nameServer, metadata: ["fleet:py"] });
          expect(events.map((e) => e.type)).to.deep.equal(["no-leases"]);
          uris.set(name, String(uri));
        }
      });
      afterEach(async () => {
        for (const made of pools.splice(0)) await made[Symbol.asyncDispose]();
      });
      after(async () => {
        for (const daemon of daemons) await daemon.shutdown();
        await ns?.stop();
      });

      const poolOf = (target: string): Remote<WorkerApi> => {
        const made = pool<WorkerApi>(`${target}@127.0.0.1:${port}`, { env: {}, strategy: "round-robin", refresh: 0.2 });
        pools.push(made);
        return made;
      };
      const landed = async (fleet: Remote<WorkerApi>, calls: number) => {
        const names: string[] = [];
        for (let i = 0; i < calls; i++) names.push(await fleet.whoami());
        return names.sort();
      };

      it("PYRONAME:prefix: the listed workers share the calls, and the pool follows a name removed", async () => {
        const fleet = poolOf("PYRONAME:py.fleet.");
        expect(await landed(fleet, 4)).to.deep.equal(["py.fleet.a", "py.fleet.a", "py.fleet.b", "py.fleet.b"]);
        await using registry = (await locateNS({ host: "127.0.0.1", port, env: {} })) as NameServerProxy & AsyncDisposable;
        await registry.remove("py.fleet.b");
        try {
          await until("the pool lists one worker", () => poolStats(fleet).workers.filter((w) => w.state === "ok").length === 1, 10_000);
          expect(await landed(fleet, 3)).to.deep.equal(["py.fleet.a", "py.fleet.a", "py.fleet.a"]);
        } finally {
          await registry.register("py.fleet.b", uris.get("py.fleet.b")!, false, ["fleet:py"]);
        }
      });

      it("PYROMETA:tags: the workers with the tag share the calls", async () => {
        const fleet = poolOf("PYROMETA:fleet:py");
        expect(await landed(fleet, 4)).to.deep.equal(["py.fleet.a", "py.fleet.a", "py.fleet.b", "py.fleet.b"]);
        expect(poolStats(fleet).workers.map((w) => w.tags)).to.deep.equal([["fleet:py"], ["fleet:py"]]);
      });
    },
    pyro,
  );
}
