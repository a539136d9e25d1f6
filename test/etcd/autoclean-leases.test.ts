/**
 * Autoclean and leases side by side: autoclean removes an unreachable daemon's plain (Python-style)
 * registration, but leaves a name bound to a lease alone (the lease decides when it goes), and does
 * nothing while the storage is not healthy.
 */
import { expect } from "chai";
import { AutoCleaner, MemoryStorage, type StorageHealth, startNameServer } from "@pyrots/nameserver";
import { freePort } from "../support/etcd-cluster.js";

/** The memory storage with a switchable health, as an etcd replica cut off from its cluster reports it. */
class SwitchableHealth extends MemoryStorage {
  state: StorageHealth["state"] = "degraded";

  override health(): StorageHealth {
    return { state: this.state, storage: "memory", detail: "", age: 0, staleLimit: 0 };
  }
}

describe("autoclean with leases", () => {
  it("removes a dead plain registration but never a leased one", async () => {
    await using ns = await startNameServer({
      host: "127.0.0.1",
      port: 0,
      broadcast: false,
      mdns: false,
      env: {},
      autoclean: 0.1,
      autocleanGrace: 0,
      allowShortAutoclean: true,
    });
    const dead = `PYRO:gone@127.0.0.1:${await freePort()}`;
    const lease = await ns.nameserver.lease_grant(60);
    await ns.nameserver.register("dead.plain", dead);
    await ns.nameserver.register("dead.leased", dead, false, null, lease);
    await ns.autocleaner!.checkNow();
    await ns.autocleaner!.checkNow();
    expect(Object.keys(await ns.nameserver.list()).sort()).to.deep.equal(["Pyro.NameServer", "dead.leased"]);
    expect(await ns.nameserver.lease_revoke(lease)).to.equal(true);
    expect(Object.keys(await ns.nameserver.list())).to.deep.equal(["Pyro.NameServer"]);
  });

  it("does nothing while the storage is not healthy", async () => {
    const memory = new SwitchableHealth();
    const storage = memory;
    // Registered from this machine: autoclean's rule lets it check a URI on this machine.
    memory.set("dead.plain", { uri: `PYRO:gone@127.0.0.1:${await freePort()}`, metadata: [], registrant: "local" });
    await using cleaner = new AutoCleaner(storage, { period: 60, grace: 0 });
    await cleaner.checkNow();
    expect(memory.get("dead.plain")).to.not.equal(undefined);
    memory.state = "ok";
    await cleaner.checkNow();
    expect(memory.get("dead.plain")).to.equal(undefined);
  });
});
