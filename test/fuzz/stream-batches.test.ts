/**
 * Hostile batch pulls of a real remote iterator (`Pyro.Daemon.get_next_stream_items`) on the
 * connection that owns it and from another one: every pull gets a valid batch no larger than
 * asked, or a clean refusal; the stream and the daemon go on. Items of random sizes under a
 * random message size limit (batches cut when their reply is too large) all arrive, in order, each
 * made once. The wire-level cases (stray ids, hostile values as arguments) are in cases.ts
 * (`streamFloodCase`).
 *
 * `FUZZ_CASES` sets the number of cases (2% of it, at least 20); `FUZZ_SEED` replays a run.
 */
import { expect } from "chai";
import fc from "fast-check";
import { Daemon, Proxy, PyroError, type Remote, expose } from "@pyrots/core";
import { FUZZ_SEED, fuzzCases } from "./harness.js";

/** Items made by {@link Numbers.sized}. */
let made = 0;

@expose
class Numbers {
  *count(n: number): Generator<number> {
    for (let i = 0; i < n; i++) yield i;
  }

  /** An item per size: its index, padded to that many characters. */
  *sized(sizes: number[]): Generator<string> {
    for (const [index, size] of sizes.entries()) {
      made++;
      yield String(index).padEnd(size, ".");
    }
  }
}

interface NumbersApi {
  count(n: number): AsyncIterable<number>;
  sized(sizes: number[]): AsyncIterable<string>;
}

interface StreamInside {
  streamId: string;
  next(): Promise<IteratorResult<unknown>>;
  return(): Promise<IteratorResult<unknown>>;
  channel: { callObject(objectId: string, method: string, args: unknown[], oneway: boolean): Promise<unknown> };
}

const hostileNumber = fc.oneof(
  fc.integer({ min: -10, max: 300 }),
  fc.constantFrom<unknown>(2 ** 31, 2 ** 53, 1e300, -0, 0.5, 255.5, Number.NaN, Infinity, -Infinity, 2n ** 70n, "16", "", null, true, [], [8], { max: 8 }),
  fc.double(),
  fc.string({ maxLength: 8 }),
);

describe("fuzz: batch pulls of remote iterators", () => {
  let daemon: Daemon;
  let owner: Remote<NumbersApi>;
  let stranger: Remote<{ get_next_stream_items(...args: unknown[]): Promise<unknown> }>;

  before(async () => {
    daemon = await Daemon.create({ host: "127.0.0.1" });
    const uri = daemon.register(Numbers, "numbers");
    owner = new Proxy<NumbersApi>(uri);
    stranger = new Proxy<{ get_next_stream_items(...args: unknown[]): Promise<unknown> }>(`PYRO:Pyro.Daemon@${daemon.locationStr}`);
  });
  after(async () => {
    await owner[Symbol.asyncDispose]();
    await stranger[Symbol.asyncDispose]();
    await daemon.shutdown();
  });

  it("answers hostile sizes with a batch no larger than asked, or a refusal; refuses other connections", async function () {
    this.timeout(0);
    const runs = Math.max(20, Math.round(fuzzCases(3000) * 0.02));
    await fc.assert(
      fc.asyncProperty(hostileNumber, fc.option(hostileNumber), async (max, size) => {
        const stream = (await (owner.count(1000) as unknown as Promise<StreamInside>)) as StreamInside;
        try {
          const args = size === null ? [stream.streamId, max] : [stream.streamId, max, size];
          const foreign = await stranger.get_next_stream_items(...args).catch((e: unknown) => e);
          expect(foreign).to.be.instanceOf(PyroError);
          const reply = await stream.channel.callObject("Pyro.Daemon", "get_next_stream_items", args, false).catch((e: unknown) => e);
          if (reply instanceof Error) {
            expect(reply).to.be.instanceOf(PyroError);
            expect(reply.message).to.match(/^get_next_stream_items: (max|maxMessageSize) must be an integer/);
          } else {
            const [items, ended] = reply as [number[], boolean];
            expect(Number.isInteger(max) && (max as number) >= 1 && (max as number) <= 256, `accepted max ${String(max)}`).to.equal(true);
            // A small maxMessageSize cuts the batch short (by its byte budget), never below one item.
            const unbounded = size === null || size === 0;
            expect(items.length).to.be.within(unbounded ? (max as number) : 1, max as number);
            expect(items).to.deep.equal([...Array(items.length).keys()]);
            expect(ended).to.equal(false);
          }
        } finally {
          await stream.return();
        }
      }),
      { numRuns: runs, seed: FUZZ_SEED },
    );
    expect(await (owner as unknown as { count(n: number): Promise<unknown> }).count(0)).to.be.an("object");
  });

  it("delivers items of any sizes under a message size limit whole, in order, each made once", async function () {
    this.timeout(0);
    const runs = Math.max(20, Math.round(fuzzCases(3000) * 0.02));
    const limits = [4096, 20_000, 200_000];
    const streamsBefore = daemon.stats.streams;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...limits),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 41, max: 1000 })), { maxLength: 60 }),
        async (limit, shares) => {
          // Sizes up to a fifth of the limit: every item fits a message of its own, not every batch does.
          const sizes = shares.map((share) => Math.floor((share / 1000) * (limit / 5)));
          await using sized = new Proxy<NumbersApi>(daemon.uriFor("numbers"), { maxMessageSize: limit });
          made = 0;
          const items: string[] = [];
          for await (const item of sized.sized(sizes)) items.push(item);
          expect(items.map((item) => item.length)).to.deep.equal(sizes.map((size, index) => Math.max(size, String(index).length)));
          expect(items.map((item) => Number.parseInt(item, 10))).to.deep.equal([...sizes.keys()]);
          expect(made).to.equal(sizes.length);
        },
      ),
      { numRuns: runs, seed: FUZZ_SEED },
    );
    expect(daemon.stats.streams).to.equal(streamsBefore);
  });
});
