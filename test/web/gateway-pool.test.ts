/**
 * Pooled proxies: one connection per name, shared by concurrent requests; a name re-registered
 * elsewhere is followed (after the lookup TTL, or at once when the old daemon is gone), and the
 * old connection is closed once its requests are done.
 */
import { expect } from "chai";
import { Daemon } from "@pyrots/core";
import type { Gateway } from "@pyrots/web";
import { Calc, post, startBackend, type WebBackend } from "../support/web.js";
import { waitFor } from "../support/variants.js";

describe("gateway: pooled proxies", () => {
  let backend: WebBackend;

  before(async () => {
    backend = await startBackend();
  });
  after(() => backend[Symbol.asyncDispose]());

  it("keeps one connection per name for every request, concurrent ones included", async () => {
    const gateway = await backend.gateway();
    const before = backend.daemon.stats.connections;
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => post(gateway, "example.calc", "slow", [20 + (i % 3)])));
    expect(answers.map((a) => a.status)).to.deep.equal(Array(30).fill(200));
    for (let i = 0; i < 10; i++) await post(gateway, "example.calc", "add", [i, 1]);
    expect(backend.daemon.stats.connections - before).to.equal(1);
  });

  it("follows a name to its new URI once the lookup TTL has passed, and closes the old connection", async () => {
    await using second = await Daemon.create({ host: "127.0.0.1" });
    const moved = second.register(new Calc(), "moving");
    await backend.register("example.moving", "moving");
    const gateway: Gateway = await backend.gateway({ lookupTtl: 0.2 });
    expect((await post(gateway, "example.moving", "add", [1, 1])).json).to.equal(2);
    expect(second.stats.connections).to.equal(0);
    const slow = post(gateway, "example.moving", "slow", [600]);
    await waitFor(() => backend.daemon.stats.callsInFlight > 0, 5000, "the slow call to start");
    const oldConnections = backend.daemon.stats.connections;
    backend.ns.nameserver.register("example.moving", moved);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await post(gateway, "example.moving", "add", [2, 2])).json).to.equal(4);
    expect(second.stats.connections, "the call went to the new URI").to.equal(1);
    // The request still running on the old connection finishes there; then that connection closes.
    expect((await slow).json).to.equal(600);
    await waitFor(() => backend.daemon.stats.connections === oldConnections - 1, 5000, "the retired proxy's connection to close");
  });

  it("looks a name up again at once when its daemon is gone", async () => {
    const first = await Daemon.create({ host: "127.0.0.1" });
    backend.ns.nameserver.register("example.restarted", first.register(new Calc(), "restarted"));
    const gateway = await backend.gateway({ lookupTtl: 3600 });
    expect((await post(gateway, "example.restarted", "add", [1, 1])).json).to.equal(2);
    await first.shutdown();
    await using replacement = await Daemon.create({ host: "127.0.0.1" });
    backend.ns.nameserver.register("example.restarted", replacement.register(new Calc(), "restarted"));
    expect((await post(gateway, "example.restarted", "add", [2, 2])).json).to.equal(4);
    expect(replacement.stats.connections).to.equal(1);
  });
});
