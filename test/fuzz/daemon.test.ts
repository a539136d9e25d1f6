/**
 * Fuzzing a live daemon in a child process. Cases are fresh TCP connections carrying mutated
 * captured traffic or generated hostile frames, handshakes and payloads (see cases.ts). Throughout,
 * the daemon must stay up, answer only with valid frames and hang up when we do, keep its RSS under
 * a bound, keep its built-in prototypes untouched, and keep serving a well-formed client correctly.
 *
 * `FUZZ_CASES` sets the number of cases over all fuzz suites (default 3000); `FUZZ_SEED` replays
 * a run. `npm run fuzz` runs 100,000.
 */
import { expect } from "chai";
import fc from "fast-check";
import { Proxy, batch, runBatch, withOptions } from "@pyrots/core";
import { startTargetDaemon } from "../support/children.js";
import { type FrameSpec, splitFrames } from "./frames.js";
import { type LiveTarget, RSS_HEADROOM, SHARES, type WireCase, captureClientStreams, fuzzCases, liveTarget, mb, runWireCase } from "./harness.js";
import {
  type TargetShape,
  batchCase,
  bombCase,
  costlyCase,
  deepCase,
  handshakeCase,
  mutatedCase,
  payloadCase,
  pingStream,
  pipelinedCase,
  randomHeaderCase,
  streamFloodCase,
  trickledCase,
} from "./cases.js";
import { serpentAbuseCase } from "./serpent-cases.js";
import { mixedProtocolCase, pyro5HandshakeCase, pyro5HeaderCase, pyro5PayloadCase } from "./pyro5-cases.js";

const TOTAL = Math.ceil(fuzzCases(3000) * SHARES.daemon);

interface TargetApi {
  echo(value: unknown): Promise<unknown>;
  add(a: number, b: number): Promise<number>;
  count(n: number): AsyncIterable<number>;
  region: Promise<string>;
  prototypesClean(): Promise<string[]>;
  diagnostics(collect?: boolean): Promise<{ rss: number; connections: number; streams: number }>;
  note(ms: number): Promise<void>;
}

const SHAPE: TargetShape = { objectId: "target", methods: ["echo", "add", "count", "region", "prototypesClean", "_private", "note"] };

/** A plain value that changes with `i`, to catch stale or mixed-up answers. */
const sample = (i: number) => ({ i, text: `value ${i}`, list: [i + 1, -(i + 1), (i + 1) / 4], nested: { ok: i % 2 === 0, none: null } });

/** Valid traffic of real proxies (msgpack, json and serpent), recorded and split into frames. */
async function captureCorpus(port: number): Promise<FrameSpec[][]> {
  const streams = await captureClientStreams(port, async (relayPort) => {
    for (const serializer of ["msgpack", "json", "serpent"] as const) {
      await using p = new Proxy<TargetApi>(`PYRO:target@127.0.0.1:${relayPort}`, { serializer });
      await p.echo(sample(1));
      await p.echo(["text", 1.5, null, true, { __class__x: 1 }]);
      await p.echo(Buffer.from("bytes"));
      await p.echo({ __class__: "fuzz.Point", x: 1, y: 2 }); // an application class with a converter
      await p.add(2, 3);
      await p.region;
      await withOptions(p, { correlationId: "0b6e0d1c-3b59-4f3a-9a8e-3f5a1d4c2b10", annotations: { XTRA: "extra" } }).echo("annotated");
      for await (const item of p.count(3)) void item;
      const b = batch(p as never) as unknown as { echo(v: unknown): void; add(a: number, b: number): void };
      b.echo("in batch");
      b.add(1, 2);
      await runBatch(b as never);
      await p.note(0);
      await p.prototypesClean();
    }
  });
  return [...streams.map(splitFrames), pingStream(6, "target"), pingStream(2, "target"), pingStream(1, "target")];
}

describe("fuzzing a live daemon (child process)", function () {
  let corpus: FrameSpec[][];
  const target = liveTarget<TargetApi>("daemon", {
    async prepare({ daemon, checker }) {
      corpus = await captureCorpus(daemon.port);
      expect(await checker.prototypesClean()).to.deep.equal([]);
    },
    check: wellFormedClient,
  });

  /** A long-lived msgpack proxy and fresh json and serpent ones must all get right answers. */
  async function wellFormedClient({ daemon, checker }: LiveTarget<TargetApi>, i: number): Promise<void> {
    expect(await checker.echo(sample(i))).to.deep.equal(sample(i));
    expect(await checker.add(i, 1)).to.equal(i + 1);
    expect(await checker.prototypesClean(), "the daemon's built-in prototypes").to.deep.equal([]);
    if (i % 10 === 0) {
      // Every third fresh proxy speaks Pyro5's protocol 502 on the same port.
      const protocol = i % 30 === 0 ? "pyro5" : "auto";
      await using fresh = new Proxy<TargetApi>(daemon.uri, { serializer: i % 20 === 0 ? "json" : "serpent", protocol });
      expect(await fresh.echo(sample(i + 0.5))).to.deep.equal(sample(i + 0.5));
      const items: number[] = [];
      for await (const item of fresh.count(3)) items.push(item);
      expect(items).to.deep.equal([0, 1, 2]);
    }
  }

  const fuzz = (arbitrary: fc.Arbitrary<WireCase>, share: number) => target.fuzz(arbitrary, TOTAL * share);

  it("survives mutations of captured valid traffic", async function () {
    this.timeout(0);
    await fuzz(mutatedCase(corpus), 0.35);
  });

  it("survives random headers with valid checksums, lying and huge lengths", async function () {
    this.timeout(0);
    await fuzz(randomHeaderCase, 0.12);
  });

  it("survives hostile handshakes", async function () {
    this.timeout(0);
    await fuzz(handshakeCase(SHAPE), 0.12);
  });

  it("survives hostile call payloads: random trees, class dicts, every ext type, __proto__/constructor/prototype keys", async function () {
    this.timeout(0);
    await fuzz(payloadCase(SHAPE), 0.2);
  });

  it("survives payloads that cost far more than their size: floods of empty containers, bombs, lying lengths", async function () {
    this.timeout(0);
    await fuzz(costlyCase(SHAPE), 0.05);
  });

  it("survives serpent abuse: escape floods, huge ints, budget floods, deep parentheses, bogus class dicts, broken literals", async function () {
    this.timeout(0);
    await fuzz(serpentAbuseCase(SHAPE), 0.05);
  });

  it("survives random Pyro5 (502) headers: lying u32 lengths up to 4 GiB, wrong magic numbers, overrunning chunks", async function () {
    this.timeout(0);
    await fuzz(pyro5HeaderCase, 0.05);
  });

  it("survives hostile Pyro5 handshakes: hostile payloads and Pyro5 class dicts, CORR chunks, odd flags and serializer ids", async function () {
    this.timeout(0);
    await fuzz(pyro5HandshakeCase(SHAPE), 0.05);
  });

  it("survives hostile calls after a valid Pyro5 handshake", async function () {
    this.timeout(0);
    await fuzz(pyro5PayloadCase(SHAPE), 0.06);
  });

  it("survives protocol 48 and 502 mixed on one connection", async function () {
    this.timeout(0);
    await fuzz(mixedProtocolCase(SHAPE), 0.04);
  });

  it("survives nesting deeper than the stack", async function () {
    this.timeout(0);
    await fuzz(deepCase(SHAPE), 0.05);
  });

  it("survives pipelined requests: hundreds in one write, beyond the request window, some cut short", async function () {
    this.timeout(0);
    await fuzz(pipelinedCase(SHAPE), 0.06);
  });

  it("survives trickled messages: a few bytes at a time, with pauses", async function () {
    this.timeout(0);
    await fuzz(trickledCase(corpus), 0.03);
  });

  it("survives batches of every size around MAX_BATCH_CALLS, compressed, oneway, hostile", async function () {
    this.timeout(0);
    await fuzz(batchCase(SHAPE, 10_000), 0.04);
  });

  it("survives floods of remote iterators around MAX_ITER_STREAMS, and stray stream ids", async function () {
    this.timeout(0);
    await fuzz(streamFloodCase(SHAPE, 100), 0.03);
  });

  it("ends with a daemon that is up, clean and within its memory bound", async function () {
    this.timeout(30_000);
    const { daemon, checker, watch } = target;
    const diag = await checker.diagnostics(true);
    const stderr = daemon.proc.stderr();
    process.stdout.write(
      `      daemon after GC: RSS ${mb(diag.rss)}, ${diag.connections} connections, ${diag.streams} streams; stderr: ${stderr ? JSON.stringify(stderr.slice(0, 300)) : "empty"}\n`,
    );
    expect(stderr, "the daemon's stderr").not.to.match(/uncaught|unhandled|fatal/i);
    expect(await checker.prototypesClean()).to.deep.equal([]);
    expect(daemon.rss()).to.be.below(watch.rssLimit);
  });

  // A compression bomb costs up to MAX_MESSAGE_SIZE of memory while it inflates (see
  // docs/security.md); a daemon with a small limit shows the inflation stops there.
  it("refuses a zlib bomb once it inflates past the message size limit, with memory bounded by that limit", async function () {
    this.timeout(60_000);
    const limit = 64 * 2 ** 20;
    const small = await startTargetDaemon({ maxMessageSize: limit });
    try {
      const startRss = small.rss();
      const bomb = await bombCase(SHAPE, 4 * limit);
      await runWireCase(small.port, bomb);
      const rss = small.rss();
      process.stdout.write(`      ${bomb.label} against a ${mb(limit)} limit: daemon RSS ${mb(startRss)} → ${mb(rss)}\n`);
      await using client = new Proxy<TargetApi>(small.uri);
      expect(await client.echo(sample(1))).to.deep.equal(sample(1));
      expect(rss).to.be.below(startRss + limit + RSS_HEADROOM);
    } finally {
      await small.stop();
    }
  });
});
