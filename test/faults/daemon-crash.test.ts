/**
 * A daemon process killed (SIGKILL) under its callers: calls in flight fail promptly with
 * ConnectionClosedError, never hang, and the same proxies reach a daemon restarted on the port.
 */
import { expect } from "chai";
import { ConnectionClosedError, Proxy } from "@pyrots/core";
import { type TargetDaemon, startTargetDaemon } from "../support/children.js";

interface TargetApi {
  echo(value: unknown): Promise<unknown>;
  slow(ms: number): Promise<string>;
  ticks(n: number, stepMs: number): AsyncIterable<number>;
  diagnostics(): Promise<{ inFlight: number; streams: number }>;
}

/** A generous bound for "promptly": far above a healthy run's few milliseconds, far below a hang. */
const PROMPT_MS = 5_000;

async function settle(call: Promise<unknown>): Promise<unknown> {
  try {
    return await call;
  } catch (error) {
    return error;
  }
}

describe("faults: a daemon killed mid-call", () => {
  const daemons: TargetDaemon[] = [];
  after(async () => {
    for (const d of daemons) await d.stop();
  });

  it("fails every call in flight with ConnectionClosedError, promptly; the next call reaches the restarted daemon", async function () {
    this.timeout(30_000);
    const first = await startTargetDaemon();
    daemons.push(first);
    await using caller = new Proxy<TargetApi>(first.uri);
    await using streamer = new Proxy<TargetApi>(first.uri, { serializer: "json" });
    expect(await caller.echo(1)).to.equal(1);

    const calls = [settle(caller.slow(60_000)), settle(caller.slow(60_000)), settle(streamer.slow(60_000))];
    const iterator = streamer.ticks(1_000_000, 20)[Symbol.asyncIterator]();
    expect((await iterator.next()).value).to.equal(0);
    const streamed = (async () => {
      for (;;) if ((await iterator.next()).done) return "ended";
    })().catch((error: unknown) => error);
    // The calls are running on the daemon before it dies.
    await using observer = new Proxy<TargetApi>(first.uri);
    for (let i = 0; i < 100 && (await observer.diagnostics()).inFlight < 3; i++) await new Promise((r) => setTimeout(r, 10));

    const killedAt = Date.now();
    await first.kill();
    const outcomes = await Promise.all([...calls, streamed]);
    const elapsed = Date.now() - killedAt;
    for (const outcome of outcomes) expect(outcome).to.be.instanceOf(ConnectionClosedError);
    expect(elapsed, "time from the kill until every caller knew").to.be.below(PROMPT_MS);

    const second = await startTargetDaemon({ port: first.port });
    daemons.push(second);
    expect(await caller.echo("again")).to.equal("again");
    expect(await streamer.echo("json too")).to.equal("json too");
  });
});
