import { join } from "node:path";
import { expect } from "chai";
import { Daemon, URI, expose } from "@pyrots/core";
import { AutoCleaner, MemoryStorage, reachable } from "@pyrots/nameserver";
import { deadPort, startTestNs, tempDir } from "./support/ns.js";
import { waitUntil } from "@pyrots/test-support";

@expose
class Thing {
  hello(): string {
    return "hi";
  }
}

describe("autoclean", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  it("removes dead registrations after the grace period and keeps live ones", async () => {
    await using ns = await startTestNs({ autoclean: 0.2, autocleanGrace: 1, allowShortAutoclean: true });
    await using tcp = await Daemon.create({ host: "127.0.0.1", env: {} });
    await using unix = await Daemon.create({ unixSocket: join(dir.path, "live.sock"), env: {} });
    await using doomed = await Daemon.create({ host: "127.0.0.1", env: {} });
    const names = ns.nameserver;
    await names.register("live.tcp", tcp.register(Thing, "thing"));
    await names.register("live.unix", unix.register(Thing, "thing"));
    await names.register("alias", "PYRONAME:live.tcp");
    await names.register("dead.tcp", `PYRO:gone@127.0.0.1:${await deadPort()}`);
    await names.register("dead.unix", `PYRO:gone@./u:${join(dir.path, "missing.sock")}`);
    await names.register("doomed", doomed.register(Thing, "thing"));
    const started = Date.now();
    await doomed.shutdown();

    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(Object.keys(await names.list()), "nothing goes before the grace period").to.include.members(["dead.tcp", "dead.unix", "doomed"]);
    await waitUntil(async () => Object.keys(await names.list()).length === 4, 8000, "dead names to go");
    expect(Date.now() - started).to.be.at.least(1000);
    expect(Object.keys(await names.list()).sort()).to.deep.equal(["Pyro.NameServer", "alias", "live.tcp", "live.unix"]);
  });

  it("never removes the name server's own entry, and spares a name re-registered meanwhile", async () => {
    const storage = new MemoryStorage();
    storage.set("Pyro.NameServer", { uri: `PYRO:Pyro.NameServer@127.0.0.1:${await deadPort()}`, metadata: [], registrant: "local" });
    const deadUri = `PYRO:x@127.0.0.1:${await deadPort()}`;
    storage.set("moving", { uri: deadUri, metadata: [], registrant: "127.0.0.1" });
    await using cleaner = new AutoCleaner(storage, { period: 60, grace: 0, protect: ["Pyro.NameServer"] });
    await using daemon = await Daemon.create({ host: "127.0.0.1", env: {} });
    const liveUri = String(daemon.register(Thing, "thing"));
    const check = cleaner.checkNow();
    storage.set("moving", { uri: liveUri, metadata: [], registrant: "127.0.0.1" });
    await check;
    expect([...storage.list().keys()].sort()).to.deep.equal(["Pyro.NameServer", "moving"]);
    await cleaner.checkNow();
    expect(storage.get("moving")!.uri).to.equal(liveUri);
  });

  it("refuses periods under 3 seconds, as Pyro4 does", () => {
    expect(() => new AutoCleaner(new MemoryStorage(), { period: 2 })).to.throw(RangeError, /smaller than 3/);
  });

  it("checks reachability by TCP connect or Unix socket", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1", env: {} });
    expect(await reachable(daemon.register(Thing, "t"), 2)).to.equal(true);
    expect(await reachable(URI.parse(`PYRO:x@127.0.0.1:${await deadPort()}`), 2)).to.equal(false);
    expect(await reachable(URI.parse(`PYRO:x@./u:${join(dir.path, "none.sock")}`), 2)).to.equal(false);
  });
});
