/**
 * One storage contract, run against memory, SQLite and etcd (a real 3-member cluster) alike:
 * registrations, metadata, removal, listing order and filters, and leases (expiry, keepalive,
 * revocation, rebinding). Every call is awaited, so the same test holds for synchronous and
 * promise-returning storages.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { NamingError } from "@pyrots/core";
import { EtcdStorage, MemoryStorage, type NameStorage, SqlStorage } from "@pyrots/nameserver";
import { etcdAvailable, type EtcdCluster, failure, requireEtcd, startEtcdCluster } from "@pyrots/test-support";

const entry = (uri: string, metadata: string[] = []) => ({ uri, metadata });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `condition` holds; fails after `timeoutMs`. */
async function eventually(condition: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
  return Date.now() - started;
}

interface Kind {
  name: string;
  needsEtcd?: boolean;
  open(dir: string, cluster: EtcdCluster | undefined, test: number): Promise<NameStorage>;
}

const KINDS: Kind[] = [
  { name: "memory", open: async () => new MemoryStorage() },
  { name: "SQLite", open: async (dir) => new SqlStorage(join(dir, "names.sqlite")) },
  {
    name: "etcd",
    needsEtcd: true,
    open: async (_dir, cluster, test) => {
      // A fresh prefix per test: the tests share one cluster but never each other's names.
      const storage = new EtcdStorage({ endpoints: cluster!.endpoints.split(","), prefix: `contract/${process.pid}/${test}` });
      await storage.start();
      return storage;
    },
  },
];

describe("storage contract (memory, SQLite, etcd)", function () {
  this.timeout(20_000);
  let cluster: EtcdCluster | undefined;
  before(async function () {
    this.timeout(30_000);
    if (etcdAvailable().ok) cluster = await startEtcdCluster();
  });
  after(async () => {
    await cluster?.stop();
  });

  for (const kind of KINDS) {
    describe(`${kind.name} storage`, () => {
      let dir: string;
      let storage: NameStorage;
      let test = 0;
      before(function () {
        if (kind.needsEtcd) requireEtcd(this);
      });
      beforeEach(async () => {
        dir = mkdtempSync(join(tmpdir(), "pyrots-contract-"));
        storage = await kind.open(dir, cluster, test++);
      });
      afterEach(async () => {
        await storage?.close();
        await storage?.close();
        rmSync(dir, { recursive: true, force: true });
      });

      it("sets, gets, counts and overwrites; a safe set of a taken name changes nothing", async () => {
        expect(storage.get("a")).to.equal(undefined);
        expect(await storage.set("a", entry("PYRO:a@h:1", ["x", "y", "x"]))).to.equal(true);
        // Read-your-writes: the write is visible as soon as it has returned.
        expect(storage.get("a")).to.deep.equal(entry("PYRO:a@h:1", ["x", "y"]));
        expect(await storage.set("a", entry("PYRO:a@h:2"), true)).to.equal(false);
        expect(storage.get("a")!.uri).to.equal("PYRO:a@h:1");
        expect(await storage.set("a", entry("PYRO:a@h:2"))).to.equal(true);
        expect(storage.get("a")).to.deep.equal(entry("PYRO:a@h:2"));
        expect(storage.count()).to.equal(1);
        expect(storage.health().state).to.equal("ok");
      });

      it("replaces metadata and removes, also only while the URI is unchanged", async () => {
        await storage.set("a", entry("PYRO:a@h:1", ["x"]));
        await storage.set("b", entry("PYRO:b@h:1"));
        expect(await storage.setMetadata("a", ["z"])).to.equal(true);
        expect(await storage.setMetadata("nope", ["z"])).to.equal(false);
        expect(storage.get("a")!.metadata).to.deep.equal(["z"]);
        expect(await storage.removeIfUri("a", "PYRO:other@h:1")).to.equal(false);
        expect(await storage.removeIfUri("a", "PYRO:a@h:1")).to.equal(true);
        expect(await storage.remove(["a", "b", "c"])).to.equal(1);
        expect(storage.count()).to.equal(0);
      });

      it("lists in registration order with prefix and metadata filters", async () => {
        await storage.set("p.one", entry("PYRO:1@h:1", ["a", "b"]));
        await storage.set("p_two", entry("PYRO:2@h:1", ["b"]));
        await storage.set("P.three", entry("PYRO:3@h:1", ["c"]));
        await storage.set("p.one", entry("PYRO:1@h:2", ["a", "b"]));
        // A metadata change keeps a name's place; a new registration moves it to the end.
        await storage.setMetadata("p_two", ["b"]);
        expect([...storage.list().keys()]).to.deep.equal(["p_two", "P.three", "p.one"]);
        expect([...storage.list({ prefix: "p." }).keys()]).to.deep.equal(["p.one"]);
        expect([...storage.list({ metadataAll: ["a", "b"] }).keys()]).to.deep.equal(["p.one"]);
        expect([...storage.list({ metadataAll: ["b", "b"] }).keys()]).to.deep.equal(["p_two", "p.one"]);
        expect([...storage.list({ metadataAny: ["c", "a"] }).keys()]).to.deep.equal(["P.three", "p.one"]);
        expect([...storage.list({ metadataAny: [] }).keys()]).to.deep.equal([]);
        expect(storage.list({ prefix: "p." }).get("p.one")).to.deep.equal(entry("PYRO:1@h:2", ["a", "b"]));
      });

      it("answers tag and prefix queries from its indexes right after tags change, names move and go", async () => {
        await storage.set("g.a", entry("PYRO:a@h:1", ["x", "y"]));
        await storage.set("g.b", entry("PYRO:b@h:1", ["y"]));
        await storage.set("h.c", entry("PYRO:c@h:1", ["y"]));
        await storage.setMetadata("g.a", ["y", "z"]);
        expect([...storage.list({ metadataAny: ["x"] }).keys()]).to.deep.equal([]);
        expect([...storage.list({ metadataAll: ["y", "z"] }).keys()]).to.deep.equal(["g.a"]);
        expect([...storage.list({ metadataAny: ["y"] }).keys()]).to.deep.equal(["g.a", "g.b", "h.c"]);
        // Registered again: to the end of every listing, with its new tags only.
        await storage.set("g.a", entry("PYRO:a@h:2", ["w"]));
        expect([...storage.list({ prefix: "g." }).keys()]).to.deep.equal(["g.b", "g.a"]);
        expect([...storage.list({ metadataAny: ["y", "w"] }).keys()]).to.deep.equal(["g.b", "h.c", "g.a"]);
        await storage.remove(["g.b"]);
        expect([...storage.list({ metadataAny: ["y"] }).keys()]).to.deep.equal(["h.c"]);
        expect([...storage.list({ prefix: "g." }).keys()]).to.deep.equal(["g.a"]);
        expect(await storage.removeIfUri("h.c", "PYRO:c@h:1")).to.equal(true);
        expect([...storage.list({ metadataAll: ["y"] }).keys()]).to.deep.equal([]);
      });

      it("removes many names at once", async () => {
        for (let i = 0; i < 250; i++) await storage.set(`many.${i}`, entry(`PYRO:m${i}@h:1`));
        expect(await storage.remove([...storage.list({ prefix: "many." }).keys()])).to.equal(250);
        expect(storage.count()).to.equal(0);
      });

      it("ends a lease's names when it is not kept alive, and keeps them while it is", async () => {
        const held = await storage.grantLease(1);
        const dropped = await storage.grantLease(1);
        await storage.set("held", entry("PYRO:h@h:1", ["t"]), false, held);
        await storage.set("dropped", entry("PYRO:d@h:1"), false, dropped);
        await storage.set("plain", entry("PYRO:p@h:1"));
        expect(storage.get("held")).to.deep.equal({ uri: "PYRO:h@h:1", metadata: ["t"], lease: held });
        expect(storage.get("plain")!.lease).to.equal(undefined);
        const keepAlive = setInterval(() => void Promise.resolve(storage.keepAliveLease(held)).catch(() => {}), 250);
        try {
          await eventually(() => storage.get("dropped") === undefined, 6_000, "the un-renewed lease's name to go");
          await sleep(1_200);
          expect(storage.get("held")?.uri).to.equal("PYRO:h@h:1");
          expect(await storage.keepAliveLease(held)).to.be.at.least(1);
        } finally {
          clearInterval(keepAlive);
        }
        const error = await failure(Promise.resolve().then(() => storage.keepAliveLease(dropped)));
        expect(error).to.be.instanceOf(NamingError);
        expect(error.message).to.match(/^unknown lease: .*grant a new lease/);
        expect(storage.get("plain")?.uri).to.equal("PYRO:p@h:1");
      });

      it("revokes a lease: its names go at once; a name re-registered without it stays", async () => {
        const lease = await storage.grantLease(60);
        await storage.set("l.one", entry("PYRO:1@h:1"), false, lease);
        await storage.set("l.two", entry("PYRO:2@h:1"), false, lease);
        await storage.set("l.three", entry("PYRO:3@h:1"), false, lease);
        await storage.set("l.three", entry("PYRO:3@h:2"));
        await storage.setMetadata("l.two", ["kept-lease"]);
        expect(storage.get("l.two")!.lease).to.equal(lease);
        expect(await storage.revokeLease(lease)).to.equal(true);
        expect(storage.get("l.one")).to.equal(undefined);
        expect(storage.get("l.two")).to.equal(undefined);
        expect(storage.get("l.three")).to.deep.equal(entry("PYRO:3@h:2"));
        expect(await storage.revokeLease(lease)).to.equal(false);
        // A lease that never had names, revoked after a change elsewhere in etcd: answered at once
        // (its revocation makes no change under this storage's prefix to wait for).
        const empty = await storage.grantLease(60);
        if (storage instanceof EtcdStorage) {
          const elsewhere = new EtcdStorage({ endpoints: storage.endpoints, prefix: `${storage.prefix}-elsewhere` });
          await elsewhere.start();
          await elsewhere.set("x", entry("PYRO:x@h:1"));
          elsewhere.close();
        }
        expect(await storage.revokeLease(empty)).to.equal(true);
      });

      it("refuses to bind a name to an unknown lease and stores nothing", async () => {
        for (const bad of ["12345", "not-a-lease"]) {
          const error = await failure(Promise.resolve().then(() => storage.set("orphan", entry("PYRO:o@h:1"), false, bad)));
          expect(error, bad).to.be.instanceOf(NamingError);
          expect(error.message).to.match(/^unknown lease/);
        }
        expect(storage.get("orphan")).to.equal(undefined);
        expect(await storage.revokeLease("not-a-lease")).to.equal(false);
      });
    });
  }
});
