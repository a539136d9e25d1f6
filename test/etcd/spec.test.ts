/**
 * The `etcd:` storage spec: what parses, what is refused (by openStorage and by `pyro-ns -s` with
 * usage exit code 2), and a clear failure when no etcd answers at the given endpoints.
 */
import { expect } from "chai";
import { EtcdStorage, StorageSpecError, openStorage, parseEtcdSpec } from "@pyrots/nameserver";
import { freePort } from "../support/etcd-cluster.js";
import { NS_BIN } from "../support/ns-process.js";
import { runProcess } from "../support/process.js";

describe("etcd storage spec", () => {
  it("parses endpoints, prefix and options", () => {
    expect(parseEtcdSpec("etcd:127.0.0.1:2379")).to.deep.equal({ endpoints: ["127.0.0.1:2379"], prefix: "pyrots" });
    expect(parseEtcdSpec("etcd:a:1,b.example:2,[::1]:3/ns/prod/?stale=12.5&timeout=2&heartbeat=0.5")).to.deep.equal({
      endpoints: ["a:1", "b.example:2", "[::1]:3"],
      prefix: "ns/prod",
      staleLimit: 12.5,
      requestTimeout: 2,
      heartbeat: 0.5,
    });
    const storage = openStorage("etcd:127.0.0.1:1/x");
    expect(storage).to.be.instanceOf(EtcdStorage);
    expect(storage.kind).to.equal("etcd");
    // Not started: it has no copy to answer from, and says so.
    expect(storage.health()).to.include({ state: "stale", detail: "not connected to etcd yet" });
    expect(() => storage.get("x")).to.throw(/cannot vouch for its names: not connected to etcd yet/);
    void storage.close();
  });

  it("refuses malformed specs, saying what is wrong", () => {
    const cases: [string, RegExp][] = [
      ["etcd:", /"" is not HOST:PORT/],
      ["etcd:host", /"host" is not HOST:PORT/],
      ["etcd:host:0", /"host:0" is not HOST:PORT/],
      ["etcd:host:70000", /is not HOST:PORT/],
      ["etcd:h:1,,h:2", /"" is not HOST:PORT/],
      ["etcd:h:1/", /the prefix after \/ is empty/],
      ["etcd:h:1?stale=0", /stale must be a number of seconds above 0/],
      ["etcd:h:1?stale=", /stale must be a number/],
      ["etcd:h:1?ttl=3", /unknown option "ttl=3"/],
      ["etcd:http://h:1", /is not HOST:PORT/],
    ];
    for (const [spec, message] of cases) {
      expect(() => openStorage(spec), spec).to.throw(StorageSpecError, message);
      expect(() => openStorage(spec), spec).to.throw(/expected etcd:HOST:PORT/);
    }
    expect(() => openStorage("etc:h:1")).to.throw(StorageSpecError, /expected memory, sql:FILE or etcd:HOST:PORT/);
  });

  it("pyro-ns: a bad spec is a usage error; an unreachable cluster a clear failure", async function () {
    this.timeout(20_000);
    const usage = await runProcess(process.execPath, [NS_BIN, "-s", "etcd:nohost", "-x", "--no-mdns"]);
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.match(/^pyro-ns: invalid storage "etcd:nohost": "nohost" is not HOST:PORT/);
    const port = await freePort();
    const down = await runProcess(process.execPath, [NS_BIN, "-n", "127.0.0.1", "-p", "0", "-s", `etcd:127.0.0.1:${port}?timeout=1`, "-x", "--no-mdns"]);
    expect(down.code).to.equal(1);
    expect(down.stderr).to.match(new RegExp(`^pyro-ns: cannot load the names from etcd at 127\\.0\\.0\\.1:${port}: .*is the cluster up`));
  });
});
