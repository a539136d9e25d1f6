/**
 * The name server's `watch` long poll, on the memory and SQLite storages: it answers at once with
 * a version, then only when the selected names change (registrations, removals, metadata, lease
 * expiry; changes another process makes to the same SQLite file too), and within its timeout
 * otherwise; its arguments are checked and its waits are bounded per connection and in all.
 */
import { join } from "node:path";
import { expect } from "chai";
import { NamingError, Proxy, type NameServerProxy, RemoteError, release, withOptions } from "@pyrots/core";
import type { RunningNameServer } from "@pyrots/nameserver";
import { startTestNs, tempDir } from "./support/ns.js";
import { failure } from "@pyrots/test-support";

const URI_A = "PYRO:a@127.0.0.1:4001";
const URI_B = "PYRO:b@127.0.0.1:4002";

for (const storageKind of ["memory", "sql"] as const) {
  describe(`name server watch (${storageKind} storage)`, function () {
    this.timeout(20_000);
    let ns: RunningNameServer;
    let dir: ReturnType<typeof tempDir>;
    let client: NameServerProxy;
    let writer: NameServerProxy;

    before(async () => {
      dir = tempDir();
      ns = await startTestNs({ storage: storageKind === "memory" ? "memory" : `sql:${join(dir.path, "ns.sqlite")}`, limits: { watchesPerConnection: 2 } });
    });
    after(async () => {
      await ns.close();
      dir.remove();
    });
    beforeEach(async () => {
      client = new Proxy(ns.uri, { env: {} }) as unknown as NameServerProxy;
      writer = new Proxy(ns.uri, { env: {} }) as unknown as NameServerProxy;
      await writer.remove(null, null, ".*");
    });
    afterEach(() => {
      release(client);
      release(writer);
    });

    it("answers at once with the selection and a version; the same names give the same version", async () => {
      await writer.register("w.1", URI_A, false, ["fleet"]);
      await writer.register("other", URI_B);
      const first = await client.watch("w.");
      expect(first.names).to.deep.equal({ "w.1": [URI_A, ["fleet"]] });
      expect(first.version).to.be.a("string");
      const byTag = await client.watch(null, ["fleet"]);
      expect(byTag.names).to.deep.equal(first.names);
      expect(byTag.version).to.equal(first.version);
    });

    it("waits while nothing it selects changes, and answers when something does", async () => {
      await writer.register("w.1", URI_A);
      const { version } = await client.watch("w.");
      const waiting = client.watch("w.", null, null, version, 10);
      // Changes outside the selection do not answer it...
      await writer.register("elsewhere", URI_B);
      await new Promise((resolve) => setTimeout(resolve, storageKind === "sql" ? 700 : 100));
      // ...this one does.
      await writer.register("w.2", URI_B);
      const answer = await waiting;
      expect(answer.names).to.deep.equal({ "w.1": [URI_A, []], "w.2": [URI_B, []] });
      expect(answer.version).to.not.equal(version);
    });

    it("answers `names: None` with the same version when its timeout passes first", async () => {
      await writer.register("w.1", URI_A);
      const { version } = await client.watch("w.");
      await writer.register("elsewhere", URI_B);
      const answer = await client.watch("w.", null, null, version, 0.3);
      expect(answer).to.deep.equal({ version, names: null });
    });

    it("sees removals, metadata changes and lease expiry", async () => {
      const lease = await writer.lease_grant(1);
      await writer.register("w.1", URI_A, false, null, lease);
      await writer.register("w.2", URI_B);
      let { version } = await client.watch("w.");
      const waits = [client.watch("w.", null, null, version, 10)];
      await writer.set_metadata("w.2", ["gpu"]);
      let answer = await waits[0]!;
      expect(answer.names!["w.2"]).to.deep.equal([URI_B, ["gpu"]]);
      ({ version } = answer);
      // The lease runs out (no keepalive): its name goes, and the watch says so.
      answer = await client.watch("w.", null, null, version, 10);
      expect(Object.keys(answer.names!)).to.deep.equal(["w.2"]);
      ({ version } = answer);
      const removal = client.watch("w.", null, null, version, 10);
      await writer.remove("w.2");
      expect((await removal).names).to.deep.equal({});
    });

    if (storageKind === "sql") {
      it("sees what another name server writes to the same SQLite file", async () => {
        const other = await startTestNs({ storage: `sql:${join(dir.path, "ns.sqlite")}` });
        try {
          const { version } = await client.watch("w.");
          const waiting = client.watch("w.", null, null, version, 10);
          await using otherProxy = new Proxy(other.uri, { env: {} }) as unknown as NameServerProxy & AsyncDisposable;
          await otherProxy.register("w.from-other", URI_A);
          expect(Object.keys((await waiting).names!)).to.include("w.from-other");
        } finally {
          await other.close();
        }
      });
    }

    it("checks its arguments", async () => {
      expect(await failure(client.watch("w.", ["a"])))
        .to.be.instanceOf(RemoteError)
        .and.match(/one thing at a time/);
      expect(await failure(client.watch("w.", null, null, 5 as unknown as string))).to.match(/since must be a str/);
      expect(await failure(client.watch("w.", null, null, null, -1))).to.match(/timeout must be a number/);
      expect(await failure(client.watch("w.", null, null, null, Number.NaN))).to.match(/timeout must be a number/);
    });

    it("bounds the waits of one connection", async () => {
      const { version } = await client.watch("w.");
      const slow = withOptions(client, { timeout: 15 });
      const pending = [slow.watch("w.", null, null, version, 0.5), slow.watch("w.", null, null, version, 0.5)];
      const third = await failure(client.watch("w.", null, null, version, 10));
      expect(third)
        .to.be.instanceOf(NamingError)
        .and.match(/too many watches waiting on this connection \(the limit is 2\)/);
      // Another connection has its own allowance.
      expect((await writer.watch("w.", null, null, version, 0.1)).names).to.equal(null);
      expect((await Promise.all(pending)).map((p) => p.names)).to.deep.equal([null, null]);
    });

    it("bounds the waits in all; a closed connection's waits end with it", async () => {
      const small = await startTestNs({ limits: { watchesTotal: 2 } });
      const [a, b] = [0, 1].map(() => new Proxy(small.uri, { env: {} }) as unknown as NameServerProxy);
      try {
        const { version } = await a!.watch("w.");
        const waiting = [a!.watch("w.", null, null, version, 30), a!.watch("w.", null, null, version, 30)].map((p) => p.catch((e: unknown) => e));
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(await failure(b!.watch("w.", null, null, version, 1))).to.match(/name server busy: 2 watches are waiting/);
        release(a!);
        await Promise.all(waiting);
        // Had the name server kept the closed connection's waits (30 s), these would be refused as above.
        const until = Date.now() + 3000;
        for (;;) {
          const both = await Promise.allSettled([b!.watch("w.", null, null, version, 0.2), b!.watch("w.", null, null, version, 0.2)]);
          if (both.every((x) => x.status === "fulfilled" && x.value.names === null)) break;
          if (Date.now() > until) throw new Error("the closed connection's watches were not let go");
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      } finally {
        release(a!);
        release(b!);
        await small.close();
      }
    });
  });
}
