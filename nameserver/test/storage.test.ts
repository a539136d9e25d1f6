import { join } from "node:path";
import { expect } from "chai";
import { Proxy, callWithKwargs } from "@pyrots/core";
import { MemoryStorage, SqlStorage, StorageSpecError, openStorage } from "@pyrots/nameserver";
import { startTestNs, tempDir } from "./support/ns.js";

const entry = (uri: string, metadata: string[] = []) => ({ uri, metadata });

// The synchronous storages, typed as themselves: their answers are values, never promises.
const KINDS: { name: string; open(dir: string): MemoryStorage | SqlStorage }[] = [
  { name: "MemoryStorage", open: () => new MemoryStorage() },
  { name: "SqlStorage", open: (dir) => new SqlStorage(join(dir, "names.sqlite")) },
];

for (const kind of KINDS) {
  describe(`${kind.name} contract`, () => {
    let dir: ReturnType<typeof tempDir>;
    let storage: MemoryStorage | SqlStorage;
    beforeEach(() => {
      dir = tempDir();
      storage = kind.open(dir.path);
    });
    afterEach(() => {
      storage.close();
      storage.close();
      dir.remove();
    });

    it("sets, gets, counts and overwrites", () => {
      expect(storage.get("a")).to.equal(undefined);
      expect(storage.set("a", entry("PYRO:a@h:1", ["x", "y", "x"]))).to.equal(true);
      expect(storage.get("a")).to.deep.equal(entry("PYRO:a@h:1", ["x", "y"]));
      expect(storage.set("a", entry("PYRO:a@h:2"), true)).to.equal(false);
      expect(storage.get("a")!.uri).to.equal("PYRO:a@h:1");
      expect(storage.set("a", entry("PYRO:a@h:2"))).to.equal(true);
      expect(storage.get("a")).to.deep.equal(entry("PYRO:a@h:2"));
      expect(storage.count()).to.equal(1);
    });

    it("replaces metadata and removes", () => {
      storage.set("a", entry("PYRO:a@h:1", ["x"]));
      storage.set("b", entry("PYRO:b@h:1"));
      expect(storage.setMetadata("a", ["z"])).to.equal(true);
      expect(storage.setMetadata("nope", ["z"])).to.equal(false);
      expect(storage.get("a")!.metadata).to.deep.equal(["z"]);
      expect(storage.removeIfUri("a", "PYRO:other@h:1")).to.equal(false);
      expect(storage.removeIfUri("a", "PYRO:a@h:1")).to.equal(true);
      expect(storage.remove(["a", "b", "c"])).to.equal(1);
      expect(storage.count()).to.equal(0);
    });

    it("lists in registration order with prefix and metadata filters", () => {
      storage.set("p.one", entry("PYRO:1@h:1", ["a", "b"]));
      storage.set("p_two", entry("PYRO:2@h:1", ["b"]));
      storage.set("P.three", entry("PYRO:3@h:1", ["c"]));
      storage.set("p.one", entry("PYRO:1@h:2", ["a", "b"]));
      expect([...storage.list().keys()]).to.deep.equal(["p_two", "P.three", "p.one"]);
      // Case-sensitive and without LIKE wildcards (Pyro4's SQL storage gets both wrong).
      expect([...storage.list({ prefix: "p." }).keys()]).to.deep.equal(["p.one"]);
      expect([...storage.list({ metadataAll: ["a", "b"] }).keys()]).to.deep.equal(["p.one"]);
      expect([...storage.list({ metadataAll: ["b", "b"] }).keys()]).to.deep.equal(["p_two", "p.one"]);
      expect([...storage.list({ metadataAny: ["c", "a"] }).keys()]).to.deep.equal(["P.three", "p.one"]);
      expect([...storage.list({ metadataAny: [] }).keys()]).to.deep.equal([]);
      expect(storage.list({ prefix: "p." }).get("p.one")).to.deep.equal(entry("PYRO:1@h:2", ["a", "b"]));
    });

    it("lists by prefix exactly when the prefix holds GLOB or LIKE wildcard characters", () => {
      const names = ["a*b.1", "a*b.2", "axb.1", "a?c.1", "abc.1", "a[1].x", "a1].x", "a%.1", "aZ.1", "a_.1", "ab.1", "é.1", "é2.1"];
      for (const name of names) storage.set(name, entry(`PYRO:o@h:1`));
      for (const prefix of ["a*b.", "a?c", "a[1]", "a[", "a%", "a_", "é", "a", "", "nothing"]) {
        const expected = names.filter((name) => name.startsWith(prefix));
        expect([...storage.list({ prefix }).keys()], prefix).to.deep.equal(expected);
      }
    });

    it("answers prefix listings right through many registrations, re-registrations and removals", () => {
      // Enough changes to go through several merges of the memory storage's sorted index.
      const live = new Map<string, number>();
      let order = 0;
      for (let k = 0; k < 5000; k++) {
        const name = `g${(k * 7) % 37}.n${(k * 13) % 211}`;
        if (k % 5 === 4) {
          storage.remove([name]);
          live.delete(name);
        } else {
          storage.set(name, entry(`PYRO:o${k}@h:1`));
          live.delete(name);
          live.set(name, order++);
        }
        if (k % 500 === 499) {
          for (const prefix of ["g1", "g12.", "g3.n1", "g36.n210"]) {
            const expected = [...live.keys()].filter((name) => name.startsWith(prefix));
            expect([...storage.list({ prefix }).keys()], `${prefix} after ${k + 1} changes`).to.deep.equal(expected);
          }
        }
      }
    });

    it("keeps who registered a name, through setMetadata, until it is registered again", () => {
      storage.set("r", { uri: "PYRO:r@h:1", metadata: ["t"], registrant: "192.0.2.7" });
      storage.set("local", { uri: "PYRO:l@h:1", metadata: [], registrant: "local" });
      storage.set("unknown", entry("PYRO:u@h:1"));
      expect(storage.get("r")).to.deep.equal({ uri: "PYRO:r@h:1", metadata: ["t"], registrant: "192.0.2.7" });
      expect(storage.list({ metadataAny: ["t"] }).get("r")!.registrant).to.equal("192.0.2.7");
      expect(storage.get("local")!.registrant).to.equal("local");
      expect(storage.get("unknown")).to.not.have.property("registrant");
      storage.setMetadata("r", ["u"]);
      expect(storage.get("r")).to.deep.equal({ uri: "PYRO:r@h:1", metadata: ["u"], registrant: "192.0.2.7" });
      storage.set("r", entry("PYRO:r@h:2"));
      expect(storage.get("r")).to.deep.equal(entry("PYRO:r@h:2"));
      storage.set("r", { uri: "PYRO:r@h:3", metadata: [], registrant: "::1" });
      storage.remove(["r"]);
      storage.set("r", entry("PYRO:r@h:3"));
      expect(storage.get("r"), "a removed name leaves no registrant behind").to.deep.equal(entry("PYRO:r@h:3"));
    });

    it("answers tag queries right after tags change", () => {
      storage.set("a", entry("PYRO:a@h:1", ["x", "y"]));
      storage.set("b", entry("PYRO:b@h:1", ["y"]));
      storage.setMetadata("a", ["y", "z"]);
      expect([...storage.list({ metadataAny: ["x"] }).keys()]).to.deep.equal([]);
      expect([...storage.list({ metadataAll: ["y", "z"] }).keys()]).to.deep.equal(["a"]);
      expect([...storage.list({ metadataAny: ["y"] }).keys()]).to.deep.equal(["a", "b"]);
      storage.remove(["a"]);
      expect([...storage.list({ metadataAny: ["y", "z"] }).keys()]).to.deep.equal(["b"]);
      expect(storage.removeIfUri("b", "PYRO:b@h:1")).to.equal(true);
      expect([...storage.list({ metadataAll: ["y"] }).keys()]).to.deep.equal([]);
    });
  });
}

describe("storage specs", () => {
  it("opens memory and sql:FILE, refuses anything else", async () => {
    const dir = tempDir();
    try {
      await openStorage("memory").close();
      await openStorage(`sql:${join(dir.path, "x.db")}`).close();
      for (const bad of ["", "sql:", "sql::memory:", "dbm:x", "mem"]) expect(() => openStorage(bad), bad).to.throw(StorageSpecError, /invalid storage/);
    } finally {
      dir.remove();
    }
  });
});

describe("sql storage through the name server", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  it("keeps names and metadata across a restart", async () => {
    const file = join(dir.path, "ns.sqlite");
    {
      await using ns = await startTestNs({ storage: `sql:${file}` });
      await using proxy = new Proxy(ns.uri, { env: {} });
      await callWithKwargs(proxy, "register", ["keep.me", "PYRO:k@127.0.0.1:1"], { metadata: ["t1", "t2"] });
      await callWithKwargs(proxy, "register", ["keep.too", "PYRO:k2@127.0.0.1:1"], {});
    }
    await using ns = await startTestNs({ storage: `sql:${file}` });
    await using proxy = new Proxy(ns.uri, { env: {} });
    expect(await callWithKwargs(proxy, "count", [], {})).to.equal(3);
    expect(await callWithKwargs(proxy, "list", [], { prefix: "keep.", return_metadata: true })).to.deep.equal({
      "keep.me": ["PYRO:k@127.0.0.1:1", ["t1", "t2"]],
      "keep.too": ["PYRO:k2@127.0.0.1:1", []],
    });
    // Its own entry names the new port, not the one stored last time.
    expect(String(await callWithKwargs(proxy, "lookup", ["Pyro.NameServer"], {}))).to.equal(String(ns.uri));
  });

  it("loses no entry when many clients register at once", async () => {
    const file = join(dir.path, "busy.sqlite");
    const clients = 8;
    const perClient = 25;
    {
      await using ns = await startTestNs({ storage: `sql:${file}` });
      const proxies = Array.from({ length: clients }, () => new Proxy(ns.uri, { env: {} }));
      try {
        await Promise.all(
          proxies.flatMap((proxy, c) =>
            Array.from({ length: perClient }, (_, i) =>
              callWithKwargs(proxy, "register", [`busy.${c}.${i}`, `PYRO:o${c}_${i}@127.0.0.1:${1000 + i}`], { safe: true, metadata: [`client${c}`] }),
            ),
          ),
        );
        expect(await callWithKwargs(proxies[0]!, "count", [], {})).to.equal(clients * perClient + 1);
      } finally {
        await Promise.all(proxies.map((p) => p[Symbol.asyncDispose]()));
      }
    }
    const reopened = new SqlStorage(file);
    try {
      expect(reopened.count()).to.equal(clients * perClient + 1);
      expect(reopened.list({ metadataAll: ["client3"] }).size).to.equal(perClient);
      expect(reopened.get("busy.7.24")).to.deep.equal({ ...entry("PYRO:o7_24@127.0.0.1:1024", ["client7"]), registrant: "127.0.0.1" });
    } finally {
      reopened.close();
    }
  });

  it("lets two name servers share one file", async () => {
    const file = join(dir.path, "shared.sqlite");
    await using one = await startTestNs({ storage: `sql:${file}` });
    await using two = await startTestNs({ storage: `sql:${file}` });
    await using p1 = new Proxy(one.uri, { env: {} });
    await using p2 = new Proxy(two.uri, { env: {} });
    await Promise.all(Array.from({ length: 50 }, (_, i) => callWithKwargs(i % 2 ? p1 : p2, "register", [`shared.${i}`, "PYRO:s@127.0.0.1:1"], {})));
    expect(Object.keys((await callWithKwargs(p1, "list", [], { prefix: "shared." })) as object)).to.have.length(50);
  });
});
