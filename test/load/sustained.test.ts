/**
 * Sustained load on one daemon (child process): several clients keep calls, oneways, batches,
 * streams (read to the end and left early) and short-lived connections coming for `LOAD_SECONDS`
 * (default 3; `npm run load` runs 60). Afterwards the daemon holds no more handles than before and
 * its memory, after forced GCs, has not grown past the warmed-up level by more than a margin.
 */
import { expect } from "chai";
import { Proxy, batch, runBatch } from "@pyrots/core";
import { type TargetDaemon, startTargetDaemon } from "../support/children.js";
import { mb } from "../fuzz/harness.js";

const SECONDS = Number(process.env.LOAD_SECONDS ?? 3);
const CLIENTS = 8;
/** Calls each client keeps in flight. */
const WINDOW = 16;
/** Hard cap on operations, so a fast machine still ends. */
const MAX_OPERATIONS = 20_000_000;
/** Growth allowed from the warmed-up RSS to the end, both after forced GCs. */
const RSS_MARGIN = 32 * 2 ** 20;

interface Diagnostics {
  rss: number;
  heapUsed: number;
  connections: number;
  sessions: number;
  streams: number;
  resources: Record<string, number>;
}
interface TargetApi {
  echo(value: unknown): Promise<unknown>;
  add(a: number, b: number): Promise<number>;
  note(ms: number): Promise<void>;
  count(n: number): AsyncIterable<number>;
  diagnostics(collect?: boolean): Promise<Diagnostics>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`load: ${SECONDS} s of sustained load`, () => {
  let daemon: TargetDaemon;
  let observer: TargetApi & AsyncDisposable;

  before(async function () {
    this.timeout(30_000);
    daemon = await startTargetDaemon({ iterStreamLinger: 0.5 });
    observer = new Proxy<TargetApi>(daemon.uri);
  });
  after(async () => {
    await observer?.[Symbol.asyncDispose]();
    await daemon?.stop();
  });

  /** Diagnostics after forced GCs, without the child's stdio pipes (busy only while it prints). */
  async function settled(): Promise<Diagnostics> {
    await observer.diagnostics(true);
    await sleep(50);
    const d = await observer.diagnostics(true);
    delete d.resources.PipeWrap;
    delete d.resources.TTYWrap;
    return d;
  }

  /** One operation of the mix, checked; `i` picks which. */
  async function operation(proxy: TargetApi, uri: string, i: number): Promise<void> {
    const payload = { i, text: "x".repeat(i % 512), list: [i, i + 1, i + 2] };
    switch (i % 10) {
      case 0: {
        const items: number[] = [];
        for await (const item of proxy.count(20)) items.push(item);
        expect(items).to.have.length(20);
        return;
      }
      case 1:
        for await (const item of proxy.count(1_000)) if (item === 3) break;
        return;
      case 2:
        return proxy.note(i % 3);
      case 3: {
        const b = batch(proxy as never) as unknown as { add(a: number, b: number): void; echo(v: unknown): void };
        b.add(i, 1);
        b.echo("batched");
        expect(await runBatch(b as never)).to.deep.equal([i + 1, "batched"]);
        return;
      }
      case 4:
        if (i % 40 === 4) {
          // A short-lived connection: connect, call, close.
          await using fresh = new Proxy<TargetApi>(uri);
          expect(await fresh.add(i, 2)).to.equal(i + 2);
          return;
        }
        expect(await proxy.add(i, 2)).to.equal(i + 2);
        return;
      default:
        expect(await proxy.echo(payload)).to.deep.equal(payload);
    }
  }

  it("leaks no handles and shows no memory growth", async function () {
    this.timeout(SECONDS * 1000 + 120_000);
    const before = await settled();
    const proxies = Array.from({ length: CLIENTS }, (_, i) => new Proxy<TargetApi>(daemon.uri, { serializer: i % 2 ? "json" : "msgpack" }));
    let operations = 0;
    let stop = false;
    const samples: { t: number; rss: number }[] = [];
    const started = Date.now();
    const lanes = proxies.flatMap((proxy, c) =>
      Array.from({ length: WINDOW }, async (_, l) => {
        for (let i = c * WINDOW + l; !stop && operations < MAX_OPERATIONS; i += CLIENTS * WINDOW) {
          await operation(proxy, daemon.uri, i);
          operations++;
        }
      }),
    );
    const failed = Promise.all(lanes).then(() => undefined);
    let warm: Diagnostics | undefined;
    const warmupMs = Math.min(5_000, SECONDS * 200);
    try {
      while (Date.now() - started < SECONDS * 1000 && operations < MAX_OPERATIONS) {
        await Promise.race([sleep(250), failed]);
        samples.push({ t: (Date.now() - started) / 1000, rss: daemon.rss() });
        if (!warm && Date.now() - started >= warmupMs) warm = await settled();
      }
    } finally {
      stop = true;
      await Promise.all(lanes);
    }
    const seconds = (Date.now() - started) / 1000;
    const loaded = await settled();
    for (const p of proxies) await (p as unknown as AsyncDisposable)[Symbol.asyncDispose]();
    let after = await settled();
    // Closed sockets get a few seconds to be destroyed (and their timers to fire).
    const quiet = (d: Diagnostics) => d.connections === 1 && d.streams === 0 && JSON.stringify(d.resources) === JSON.stringify(before.resources);
    for (let i = 0; i < 100 && !quiet(after); i++) {
      await sleep(50);
      after = await settled();
    }

    const steady = samples.filter((s) => s.t * 1000 >= warmupMs);
    const slope = trend(steady);
    process.stdout.write(
      `      ${operations} operations in ${seconds.toFixed(1)} s (${Math.round(operations / seconds)}/s); daemon RSS after GC: before ${mb(before.rss)}, warmed up ${mb(warm!.rss)}, end of load ${mb(loaded.rss)}, clients gone ${mb(after.rss)}; ` +
        `RSS under load min ${mb(Math.min(...steady.map((s) => s.rss)))} max ${mb(Math.max(...steady.map((s) => s.rss)))}, trend ${steady.length >= 80 ? `${((slope / 2 ** 20) * 60).toFixed(2)} MiB/min` : "n/a (under 20 s)"}; heap ${mb(warm!.heapUsed)} → ${mb(after.heapUsed)}\n` +
        `      handles before ${JSON.stringify(before.resources)}, after ${JSON.stringify(after.resources)}\n`,
    );
    expect({ connections: after.connections, sessions: after.sessions, streams: after.streams }).to.deep.equal({ connections: 1, sessions: 1, streams: 0 });
    expect(after.resources, "active handles of the daemon").to.deep.equal(before.resources);
    expect(loaded.rss, "RSS at the end of the load vs. warmed up").to.be.below(warm!.rss + RSS_MARGIN);
    expect(after.heapUsed, "heap after the load vs. warmed up").to.be.below(warm!.heapUsed + RSS_MARGIN / 4);
  });
});

/** Least-squares slope of RSS over time, in bytes per second. */
function trend(samples: readonly { t: number; rss: number }[]): number {
  if (samples.length < 2) return 0;
  const n = samples.length;
  const mt = samples.reduce((a, s) => a + s.t, 0) / n;
  const mr = samples.reduce((a, s) => a + s.rss, 0) / n;
  const num = samples.reduce((a, s) => a + (s.t - mt) * (s.rss - mr), 0);
  const den = samples.reduce((a, s) => a + (s.t - mt) ** 2, 0);
  return den === 0 ? 0 : num / den;
}
