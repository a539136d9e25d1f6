import { join } from "node:path";
import { expect } from "chai";
import { NamingError, Proxy, PyroError, RemoteError, URI, bind, callWithKwargs, metadataOf } from "@pyrots/core";
import type { RunningNameServer } from "@pyrots/nameserver";
import { startTestNs, tempDir } from "./support/ns.js";
import { failure } from "@pyrots/test-support";

const SERIALIZERS = ["msgpack", "json"] as const;
const STORAGES = ["memory", "sql"] as const;

/** Rejection of a promise, for asserting on errors. */
for (const serializer of SERIALIZERS) {
  for (const storageKind of STORAGES) {
    describe(`name server API (${serializer}, ${storageKind} storage)`, () => {
      let ns: RunningNameServer;
      let dir: ReturnType<typeof tempDir>;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      let proxy: any;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const kw = (method: string, args: unknown[], kwargs: Record<string, unknown> = {}): Promise<any> => callWithKwargs(proxy, method, args, kwargs);

      before(async () => {
        dir = tempDir();
        ns = await startTestNs({ storage: storageKind === "memory" ? "memory" : `sql:${join(dir.path, "ns.sqlite")}` });
      });
      after(async () => {
        await ns.close();
        dir.remove();
      });
      beforeEach(async () => {
        proxy = new Proxy(ns.uri, { serializer, env: {} });
        await kw("remove", [], { regex: ".*" });
      });
      afterEach(() => proxy[Symbol.asyncDispose]());

      it("answers ping and counts its own entry", async () => {
        expect(await proxy.ping()).to.equal(null);
        expect(await proxy.count()).to.equal(1);
      });

      it("exposes exactly Pyro4's methods plus yplookup, the lease calls, health and watch", async () => {
        await bind(proxy);
        expect([...metadataOf(proxy)!.methods].sort()).to.deep.equal([
          "count",
          "health",
          "lease_grant",
          "lease_keepalive",
          "lease_revoke",
          "list",
          "lookup",
          "ping",
          "register",
          "remove",
          "set_metadata",
          "watch",
          "yplookup",
        ]);
        expect(metadataOf(proxy)!.attrs).to.deep.equal([]);
      });

      it("registered itself with Pyro4's class metadata", async () => {
        const [uri, tags] = (await kw("lookup", ["Pyro.NameServer"], { return_metadata: true })) as [URI, string[]];
        expect(uri).to.be.instanceOf(URI);
        expect(uri.equals(ns.uri)).to.equal(true);
        expect(tags).to.deep.equal(["class:Pyro4.naming.NameServer"]);
      });

      it("registers and looks up names, as URI objects", async () => {
        await proxy.register("my.obj", "PYRO:calc@127.0.0.1:1234");
        await proxy.register("my.other", new URI({ protocol: "PYRO", object: "x", host: "::1", port: 5 }), false, ["a", "b", "a"]);
        const uri = await proxy.lookup("my.obj");
        expect(uri).to.be.instanceOf(URI);
        expect(String(uri)).to.equal("PYRO:calc@127.0.0.1:1234");
        expect(await kw("lookup", ["my.other"], { return_metadata: true })).to.satisfy(
          ([u, tags]: [URI, string[]]) => String(u) === "PYRO:x@[::1]:5" && tags.join() === "a,b",
        );
        expect(await kw("lookup", ["my.obj"], { return_metadata: true })).to.satisfy(([, tags]: [URI, string[]]) => tags.length === 0);
        expect(await proxy.count()).to.equal(3);
      });

      it("overwrites a name unless safe is set", async () => {
        await proxy.register("dup", "PYRO:one@127.0.0.1:1");
        await proxy.register("dup", "PYRO:two@127.0.0.1:2");
        expect(String(await proxy.lookup("dup"))).to.equal("PYRO:two@127.0.0.1:2");
        const error = await failure(kw("register", ["dup", "PYRO:three@127.0.0.1:3"], { safe: true }));
        expect(error).to.be.instanceOf(NamingError);
        expect(error.message).to.equal("name already registered: dup");
        expect(String(await proxy.lookup("dup"))).to.equal("PYRO:two@127.0.0.1:2");
      });

      it("accepts PYRONAME and PYROMETA URIs and canonicalizes the protocol", async () => {
        await proxy.register("alias", "pyroname:my.obj@127.0.0.1:9999");
        expect(String(await proxy.lookup("alias"))).to.equal("PYRONAME:my.obj@127.0.0.1:9999");
      });

      it("refuses unknown names, bad URIs, bad names and str metadata like Pyro4", async () => {
        const unknown = await failure(proxy.lookup("nope"));
        expect(unknown).to.be.instanceOf(NamingError);
        expect(unknown.message).to.equal("unknown name: nope");
        const badUri = await failure(proxy.register("x", "PYRO:obj"));
        expect(badUri).to.be.instanceOf(PyroError);
        expect(badUri.message).to.match(/invalid URI/);
        const notUri = await failure(proxy.register("x", 42));
        expect((notUri as RemoteError).remoteType).to.equal("builtins.TypeError");
        expect(notUri.message).to.equal("only URIs or strings can be registered");
        for (const name of ["", "has space"]) {
          const badName = await failure(proxy.register(name, "PYRO:o@127.0.0.1:1"));
          expect(badName).to.be.instanceOf(NamingError);
          expect(badName.message).to.match(/^invalid name/);
        }
        const strMeta = await failure(kw("register", ["x", "PYRO:o@127.0.0.1:1"], { metadata: "abc" }));
        expect((strMeta as RemoteError).remoteType).to.equal("builtins.TypeError");
        expect(strMeta.message).to.match(/metadata should not be a str/);
        expect(await proxy.count()).to.equal(1);
      });

      it("lists names with URI texts, filtered by prefix, regex or metadata", async () => {
        await proxy.register("a.one", "PYRO:1@127.0.0.1:1", false, ["red", "round"]);
        await proxy.register("a.two", "PYRO:2@127.0.0.1:2", false, ["red"]);
        await proxy.register("b.three", "PYRO:3@127.0.0.1:3", false, ["blue"]);
        const all = await proxy.list();
        expect(Object.keys(all).sort()).to.deep.equal(["Pyro.NameServer", "a.one", "a.two", "b.three"]);
        expect(all["a.one"]).to.equal("PYRO:1@127.0.0.1:1");
        expect(await kw("list", [], { prefix: "a." })).to.deep.equal({ "a.one": "PYRO:1@127.0.0.1:1", "a.two": "PYRO:2@127.0.0.1:2" });
        expect(Object.keys(await kw("list", [], { regex: "a\\.t" }))).to.deep.equal(["a.two"]);
        expect(Object.keys(await kw("list", [], { regex: "o" }))).to.deep.equal([], "re.match is anchored at the start");
        expect(Object.keys(await kw("list", [], { regex: "(?P<first>[ab])\\.t\\w+$" })).sort()).to.deep.equal(["a.two", "b.three"]);
        expect(Object.keys(await kw("list", [], { metadata_all: ["red", "round"] }))).to.deep.equal(["a.one"]);
        expect(Object.keys(await kw("list", [], { metadata_any: ["round", "blue"] })).sort()).to.deep.equal(["a.one", "b.three"]);
        expect(await kw("list", [], { prefix: "b", return_metadata: true })).to.deep.equal({ "b.three": ["PYRO:3@127.0.0.1:3", ["blue"]] });
        expect(await kw("list", [], { metadata_all: [] })).to.have.property("a.one", "PYRO:1@127.0.0.1:1");
      });

      it("refuses two filters at once and bad regexes", async () => {
        const two = await failure(kw("list", [], { prefix: "a", regex: "b" }));
        expect((two as RemoteError).remoteType).to.equal("builtins.ValueError");
        expect(two.message).to.equal("you can only filter on one thing at a time");
        for (const regex of ["(", "a{2,1}", "\\q", "(?i:x)"]) {
          const bad = await failure(kw("list", [], { regex }));
          expect(bad, regex).to.be.instanceOf(NamingError);
          expect(bad.message, regex).to.match(/^invalid regex/);
        }
        const strMeta = await failure(kw("list", [], { metadata_any: "red" }));
        expect((strMeta as RemoteError).remoteType).to.equal("builtins.TypeError");
      });

      it("sets and clears metadata", async () => {
        await proxy.register("m", "PYRO:m@127.0.0.1:1", false, ["old"]);
        await proxy.set_metadata("m", ["new", "newer"]);
        expect((await kw("lookup", ["m"], { return_metadata: true }))[1]).to.deep.equal(["new", "newer"]);
        expect(Object.keys(await kw("list", [], { metadata_any: ["old"] }))).to.deep.equal([]);
        await proxy.set_metadata("m", []);
        expect((await kw("lookup", ["m"], { return_metadata: true }))[1]).to.deep.equal([]);
        const unknown = await failure(proxy.set_metadata("ghost", ["x"]));
        expect(unknown).to.be.instanceOf(NamingError);
        expect(unknown.message).to.equal("unknown name: ghost");
      });

      it("removes by name, prefix and regex, never itself", async () => {
        for (const name of ["r.a", "r.b", "r.c", "s.a", "s.b"]) await proxy.register(name, "PYRO:x@127.0.0.1:1");
        expect(await proxy.remove("r.a")).to.equal(1);
        expect(await proxy.remove("r.a")).to.equal(0);
        expect(await kw("remove", [], { prefix: "r." })).to.equal(2);
        expect(await kw("remove", [], { regex: "s\\.[a]" })).to.equal(1);
        expect(await proxy.remove("Pyro.NameServer")).to.equal(0);
        expect(await kw("remove", [], { prefix: "Pyro" })).to.equal(0);
        expect(await kw("remove", [], { regex: ".*" })).to.equal(1);
        expect(await proxy.remove()).to.equal(0);
        expect(await proxy.list()).to.deep.equal({ "Pyro.NameServer": String(ns.uri) });
      });

      it("answers Pyro5's yplookup", async () => {
        await proxy.register("y.one", "PYRO:1@127.0.0.1:1", false, ["x", "y"]);
        await proxy.register("y.two", "PYRO:2@127.0.0.1:2", false, ["y"]);
        expect(await kw("yplookup", [], { meta_all: ["x", "y"] })).to.deep.equal({ "y.one": ["PYRO:1@127.0.0.1:1", ["x", "y"]] });
        expect(Object.keys(await kw("yplookup", [], { meta_any: ["y"] })).sort()).to.deep.equal(["y.one", "y.two"]);
        expect(await kw("yplookup", [], { meta_any: ["x"], return_metadata: false })).to.deep.equal({ "y.one": "PYRO:1@127.0.0.1:1" });
        expect(await proxy.yplookup()).to.deep.equal({});
        const both = await failure(kw("yplookup", [], { meta_all: ["x"], meta_any: ["y"] }));
        expect((both as RemoteError).remoteType).to.equal("builtins.ValueError");
      });

      it("keeps awkward names as ordinary keys", async () => {
        await proxy.register("__proto__", "PYRO:p@127.0.0.1:1");
        await proxy.register("constructor", "PYRO:c@127.0.0.1:1");
        // The client's decoder renames a "__proto__" key (core's guard), so check the server side.
        expect(Object.keys(await ns.nameserver.list())).to.include.members(["__proto__", "constructor"]);
        expect(await proxy.list()).to.have.property("constructor", "PYRO:c@127.0.0.1:1");
        expect(String(await proxy.lookup("__proto__"))).to.equal("PYRO:p@127.0.0.1:1");
      });
    });
  }
}
