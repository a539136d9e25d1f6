/**
 * No client may stall the name server for the others: while one client pipelines catastrophic
 * regexes and another sends a huge metadata query, a third client's lookups keep being answered.
 * The name server is a real `pyro-ns` process; the clients talk to it over TCP.
 *
 * The bounds below are generous (they say "answered", not "fast"): before the fix one write of
 * searches froze the server for a second per search, and each lookup waited for all of them.
 */
import { expect } from "chai";
import { Proxy, RemoteError, callWithKwargs, withOptions } from "@pyrots/core";
import { startBin } from "./support/process.js";
import type { Spawned } from "@pyrots/test-support";

/** Backtracks exponentially on the name registered below (Python `re.match` syntax). */
const CATASTROPHIC = "(a+)+$";
const ATTACK_SEARCHES = 40;
const LOOKUP_BOUND_MS = 500;

type AnyProxy = Record<string, (...args: unknown[]) => Promise<unknown>> & AsyncDisposable;

async function outcome(promise: Promise<unknown>): Promise<unknown> {
  try {
    return await promise;
  } catch (error) {
    return error;
  }
}

describe("a name server under attack keeps answering other clients", function () {
  this.timeout(60_000);
  let ns: Spawned;
  let uri: string;

  before(async () => {
    ns = startBin("ns", ["-n", "127.0.0.1", "-p", "0", "-x", "--no-mdns"]);
    uri = (await ns.waitForLine(/^URI = (PYRO:\S+)$/))[1]!;
    await using setup = new Proxy<AnyProxy>(uri, { env: {} });
    await setup.register("a".repeat(40) + "!", "PYRO:victim@127.0.0.1:1");
    await setup.register("victim.service", "PYRO:service@127.0.0.1:2");
  });
  after(() => ns?.stop());

  it("answers lookups while one client pipelines catastrophic regexes and another sends a huge metadata query", async () => {
    await using attacker = new Proxy<AnyProxy>(uri, { env: {} });
    await using tagger = new Proxy<AnyProxy>(uri, { env: {} });
    // The timeout fails the test instead of hanging it when the name server is frozen.
    await using victim = new Proxy<AnyProxy>(uri, { env: {}, timeout: 5 });
    await victim.ping();
    await attacker.ping();
    await tagger.ping();

    // One write: a pyrots proxy sends concurrent calls on its connection in the same tick.
    const searches = Array.from({ length: ATTACK_SEARCHES }, () => outcome(callWithKwargs(attacker, "list", [], { regex: CATASTROPHIC })));
    const hugeTags = Array.from({ length: 100_000 }, (_, i) => `tag-${i}-${"x".repeat(8)}`);
    const metadataQuery = outcome(callWithKwargs(tagger, "list", [], { metadata_all: hugeTags }));

    const latencies: number[] = [];
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      const started = performance.now();
      expect(String(await victim.lookup("victim.service"))).to.equal("PYRO:service@127.0.0.1:2");
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(latencies.length, "lookups answered during the attack").to.be.above(10);
    expect(Math.max(...latencies), `slowest of ${latencies.length} lookups (ms)`).to.be.below(LOOKUP_BOUND_MS);

    // The victim's own search is not stuck behind the attacker's queue (turns go round-robin).
    const own = (await callWithKwargs(withOptions(victim, { timeout: 20 }), "list", [], { regex: "victim\\." })) as Record<string, string>;
    expect(Object.keys(own)).to.deep.equal(["victim.service"]);

    const huge = await metadataQuery;
    expect(huge).to.be.instanceOf(RemoteError);
    expect((huge as RemoteError).remoteType).to.equal("builtins.ValueError");
    expect((huge as Error).message).to.match(/metadata_all has 100000 tags \(the limit is 64\)/);

    const results = await Promise.all(searches);
    const messages = results.map((r) => (r instanceof Error ? r.message : `answered ${JSON.stringify(r)}`));
    expect(messages.filter((m) => /matching took longer than 1 s/.test(m)).length, "searches stopped by the time limit").to.be.at.least(1);
    expect(messages.filter((m) => /too many listings and searches in flight on this connection/.test(m)).length, "searches refused").to.be.above(0);
    expect(
      messages.filter((m) => !/matching took longer than|in flight on this connection/.test(m)),
      "every search either timed out or was refused",
    ).to.deep.equal([]);
    expect(ns.stderr()).to.equal("");
  });
});
