/**
 * Autoclean checks a registration only on the host that registered it (it is no port scanner for
 * whoever can register a URI), and a failing pass never ends the name server.
 */
import { join } from "node:path";
import { expect } from "chai";
import { NamingError, Proxy, URI, callWithKwargs } from "@pyrots/core";
import { AutoCleaner, MemoryStorage, type PingPolicyContext, type Registration, type StorageFilter, pingTarget } from "@pyrots/nameserver";
import { countingListener, deadPort, startTestNs, tempDir } from "./support/ns.js";
import { waitUntil } from "@pyrots/test-support";

const HERE: PingPolicyContext = {
  localAddresses: new Set(["127.0.0.1", "::1", "10.1.2.3"]),
  resolve: async (host) => ({ localhost: ["127.0.0.1", "::1"], "me.example": ["10.1.2.3"], "them.example": ["192.0.2.7", "198.51.100.1"] })[host] ?? [],
};
const target = (uri: string, registrant: string | undefined) => pingTarget(URI.parse(uri), registrant, HERE);

describe("autoclean's rule: which registrations it checks, and where", () => {
  it("checks a remote registrant's URIs on its own address only", async () => {
    expect(await target("PYRO:x@192.0.2.7:9999", "192.0.2.7")).to.deep.equal({ addresses: ["192.0.2.7"], port: 9999 });
    expect(await target("PYRO:x@them.example:9999", "192.0.2.7"), "a name resolving to the registrant").to.deep.equal({
      addresses: ["192.0.2.7"],
      port: 9999,
    });
    expect(await target("PYRO:x@[::ffff:192.0.2.7]:9", "192.0.2.7")).to.deep.equal({ addresses: ["192.0.2.7"], port: 9 });
    for (const uri of ["PYRO:x@10.0.0.5:22", "PYRO:x@127.0.0.1:6379", "PYRO:x@localhost:6379", "PYRO:x@10.1.2.3:22", "PYRO:x@nowhere.example:1"]) {
      expect(await target(uri, "192.0.2.7"), uri).to.equal(undefined);
    }
    expect(await target("PYRO:x@./u:/run/docker.sock", "192.0.2.7"), "a Unix socket of this machine").to.equal(undefined);
  });

  it("checks registrations made on this machine on this machine only", async () => {
    for (const registrant of ["local", "127.0.0.1", "::1", "10.1.2.3"]) {
      expect(await target("PYRO:x@127.0.0.1:5", registrant), registrant).to.deep.equal({ addresses: ["127.0.0.1"], port: 5 });
      expect(await target("PYRO:x@localhost:5", registrant), registrant).to.deep.equal({ addresses: ["127.0.0.1", "::1"], port: 5 });
      expect(await target("PYRO:x@me.example:5", registrant), registrant).to.deep.equal({ addresses: ["10.1.2.3"], port: 5 });
      expect(await target("PYRO:x@./u:/tmp/d.sock", registrant), registrant).to.deep.equal({ path: "/tmp/d.sock" });
      expect(await target("PYRO:x@10.0.0.5:22", registrant), registrant).to.equal(undefined);
      expect(await target("PYRO:x@them.example:22", registrant), registrant).to.equal(undefined);
    }
  });

  it("never checks what it cannot attribute, nor PYRONAME/PYROMETA", async () => {
    expect(await target("PYRO:x@127.0.0.1:5", undefined)).to.equal(undefined);
    expect(await target("PYRONAME:x@127.0.0.1:5", "127.0.0.1")).to.equal(undefined);
    expect(await target("PYROMETA:a,b@127.0.0.1:5", "127.0.0.1")).to.equal(undefined);
  });

  it("never connects for registrations on another host's behalf, and keeps them", async () => {
    await using foreignTarget = await countingListener();
    await using localTarget = await countingListener();
    const storage = new MemoryStorage();
    const add = (name: string, uri: string, registrant?: string) => storage.set(name, registrant ? { uri, metadata: [], registrant } : { uri, metadata: [] });
    add("foreign.live", `PYRO:x@127.0.0.1:${foreignTarget.port}`, "192.0.2.7");
    add("foreign.dead", `PYRO:x@127.0.0.1:${await deadPort()}`, "192.0.2.7");
    add("unknown.dead", `PYRO:x@127.0.0.1:${await deadPort()}`);
    add("local.live", `PYRO:x@127.0.0.1:${localTarget.port}`, "127.0.0.1");
    add("local.dead", `PYRO:x@127.0.0.1:${await deadPort()}`, "local");
    add("localhost.dead", `PYRO:x@localhost:${await deadPort()}`, "127.0.0.1");
    await using cleaner = new AutoCleaner(storage, { period: 60, grace: 0 });
    await cleaner.checkNow();
    await cleaner.checkNow();
    expect([...storage.list().keys()].sort()).to.deep.equal(["foreign.dead", "foreign.live", "local.live", "unknown.dead"]);
    expect(foreignTarget.connections(), "connections to the port a foreign registrant named").to.equal(0);
    expect(localTarget.connections(), "connections to the local daemon").to.equal(2);
  });

  it("records the registering client's address and checks what it registered over TCP", async () => {
    await using ns = await startTestNs({ autoclean: 0.2, autocleanGrace: 0.2, allowShortAutoclean: true });
    await using live = await countingListener();
    await using proxy = new Proxy(ns.uri, { env: {} });
    await callWithKwargs(proxy, "register", ["tcp.live", `PYRO:x@127.0.0.1:${live.port}`], {});
    await callWithKwargs(proxy, "register", ["tcp.dead", `PYRO:x@localhost:${await deadPort()}`], {});
    expect(ns.storage.get("tcp.live")!.registrant).to.equal("127.0.0.1");
    await waitUntil(() => ns.storage.get("tcp.dead") === undefined, 8000, "the dead registration to go");
    expect(ns.storage.get("tcp.live")).to.not.equal(undefined);
    expect(live.connections()).to.be.at.least(1);
  });

  it("takes Unix socket clients for local ones", async () => {
    const dir = tempDir();
    try {
      await using ns = await startTestNs({ unixSocket: join(dir.path, "ns.sock"), port: undefined });
      await using proxy = new Proxy(ns.uri, { env: {} });
      await callWithKwargs(proxy, "register", ["over.unix", "PYRO:x@127.0.0.1:1"], {});
      expect(ns.storage.get("over.unix")!.registrant).to.equal("local");
    } finally {
      dir.remove();
    }
  });
});

/** A memory storage whose `list` fails (as a locked SQLite file would) while `failing` is set. */
class FailingStorage extends MemoryStorage {
  failing = true;
  failures = 0;

  override list(filter?: StorageFilter): Map<string, Registration> {
    if (this.failing) {
      this.failures++;
      throw new NamingError("sqlite error in list: database is locked");
    }
    return super.list(filter);
  }
}

describe("autoclean when the storage fails", () => {
  it("reports a failed pass and runs the next one", async () => {
    const storage = new FailingStorage();
    storage.set("dead", { uri: `PYRO:x@127.0.0.1:${await deadPort()}`, metadata: [], registrant: "local" });
    const errors: unknown[] = [];
    await using cleaner = new AutoCleaner(storage, { period: 0.05, grace: 0, allowShortPeriod: true, onError: (e) => errors.push(e) });
    await cleaner.checkNow();
    expect(errors.map(String)).to.deep.equal(["NamingError: sqlite error in list: database is locked"]);
    await waitUntil(() => storage.failures >= 3, 5000, "three failed passes");
    storage.failing = false;
    await waitUntil(() => storage.get("dead") === undefined, 5000, "a pass after the storage recovered");
    expect(errors.length).to.be.at.least(3);
  });

  it("keeps the name server serving, and says so on stderr", async () => {
    const storage = new FailingStorage();
    storage.failing = false;
    const written: string[] = [];
    // eslint-disable-next-line @typescript-eslint/unbound-method -- saved to be put back as it was
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string | Uint8Array) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      await using ns = await startTestNs({ storage, autoclean: 0.05, allowShortAutoclean: true });
      storage.failing = true;
      await waitUntil(() => storage.failures >= 3, 5000, "three failed passes");
      await using proxy = new Proxy(ns.uri, { env: {} });
      expect(await callWithKwargs(proxy, "count", [], {})).to.equal(1);
      storage.failing = false;
    } finally {
      process.stderr.write = write;
    }
    expect(written.filter((line) => /autoclean pass failed/.test(line))[0]).to.equal(
      "pyrots name server: autoclean pass failed, will try again next period: sqlite error in list: database is locked\n",
    );
  });
});
