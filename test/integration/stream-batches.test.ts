/**
 * Remote iterators between pyrots peers come in batches (`Pyro.Daemon.get_next_stream_items`,
 * announced by `SBAT` in the handshake): order, errors in the middle of a batch, early exits, the
 * byte budget, and refusals of bad pulls. Python daemons keep the one-item call: test/interop.
 */
import { expect } from "chai";
import {
  Daemon,
  type Instrument,
  MessageTooLargeError,
  Proxy,
  PyroError,
  RemoteError,
  SerializeError,
  currentContext,
  expose,
  withOptions,
} from "@pyrots/core";
import { waitUntil } from "@pyrots/test-support";
import { VARIANTS, startDaemon } from "../support/variants.js";

const finished: string[] = [];
let produced = 0;
/** Times a {@link Counted} item was encoded. */
let encodings = 0;

/** An item that counts its encodings (serializers send what `toJSON` gives). */
class Counted {
  constructor(readonly index: number) {}

  toJSON(): { index: number } {
    encodings++;
    return { index: this.index };
  }
}

@expose
class Source {
  *count(n: number, label = ""): Generator<number> {
    try {
      for (let i = 0; i < n; i++) {
        produced++;
        yield i;
      }
    } finally {
      if (label) finished.push(label);
    }
  }

  async *later(n: number): AsyncGenerator<string> {
    for (let i = 0; i < n; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      yield `item ${i}`;
    }
  }

  *failsAfter(n: number): Generator<number> {
    for (let i = 0; i < n; i++) yield i;
    throw new RangeError(`broken after ${n}`);
  }

  async *failsAfterAsync(n: number): AsyncGenerator<number> {
    for (let i = 0; i < n; i++) yield i;
    throw new RangeError(`broken after ${n}`);
  }

  *unsendableThird(): Generator<unknown> {
    yield 1;
    yield 2;
    yield { next: Symbol("not data") };
  }

  *annotated(n: number): Generator<number> {
    for (let i = 0; i < n; i++) {
      currentContext().responseAnnotations.set("ITEM", Buffer.from(`item ${i}`));
      yield i;
    }
  }

  *big(n: number, size: number): Generator<string> {
    for (let i = 0; i < n; i++) yield String(i % 10).repeat(size);
  }

  *counted(n: number): Generator<Counted> {
    for (let i = 0; i < n; i++) yield new Counted(i);
  }

  /** `small` short items, then `large` items of `size` characters, each marked with its index. */
  *growing(small: number, large: number, size: number): Generator<string> {
    for (let i = 0; i < small + large; i++) {
      produced++;
      yield i < small ? `${i}` : `${i}:`.padEnd(size, "x");
    }
  }
}

interface SourceApi {
  count(n: number, label?: string): AsyncIterable<number>;
  later(n: number): AsyncIterable<string>;
  failsAfter(n: number): AsyncIterable<number>;
  failsAfterAsync(n: number): AsyncIterable<number>;
  big(n: number, size: number): AsyncIterable<string>;
  counted(n: number): AsyncIterable<{ index: number }>;
  growing(small: number, large: number, size: number): AsyncIterable<string>;
  annotated(n: number): AsyncIterable<number>;
  unsendableThird(): AsyncIterable<unknown>;
}

interface DaemonApi {
  get_next_stream_items(id: string, max: unknown, maxMessageSize?: unknown): Promise<[unknown[], boolean]>;
}

/** Counts the `Pyro.Daemon` methods a daemon serves. */
function servedCounter(): { instrument: Instrument; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const instrument: Instrument = {
    serving: (call) => {
      if (call.objectId === "Pyro.Daemon") counts.set(call.method, (counts.get(call.method) ?? 0) + 1);
      return undefined;
    },
  };
  return { instrument, counts };
}

async function collect<T>(items: AsyncIterable<T>): Promise<{ items: T[]; error: unknown }> {
  const seen: T[] = [];
  try {
    for await (const item of items) seen.push(item);
  } catch (error) {
    return { items: seen, error };
  }
  return { items: seen, error: undefined };
}

for (const variant of VARIANTS) {
  describe(`remote iterators in batches (${variant.name})`, () => {
    let daemon: Daemon;
    let uri: string;
    const served = servedCounter();

    before(async () => {
      daemon = await startDaemon(variant, { iterStreamLinger: 0.2, instruments: [served.instrument] });
      uri = daemon.register(Source, "source").toString();
    });
    after(() => daemon.shutdown());
    beforeEach(() => served.counts.clear());

    const open = () => new Proxy<SourceApi>(uri, { serializer: variant.serializer });

    it("delivers 1,000 items in order in a few batched round trips, none of the one-item call", async () => {
      await using source = open();
      const { items, error } = await collect(source.count(1000));
      expect(error).to.equal(undefined);
      expect(items).to.deep.equal([...Array(1000).keys()]);
      // 1 + 2 + 4 + ... + 128 = 255, then batches of 256: 8 + 3 = 11 round trips.
      expect(served.counts.get("get_next_stream_item") ?? 0).to.equal(0);
      expect(served.counts.get("get_next_stream_items")).to.be.within(9, 12);
    });

    it("batches an async generator's items in order", async () => {
      await using source = open();
      const { items, error } = await collect(source.later(300));
      expect(error).to.equal(undefined);
      expect(items).to.deep.equal([...Array(300).keys()].map((i) => `item ${i}`));
      expect(served.counts.get("get_next_stream_items")).to.be.below(12);
    });

    for (const method of ["failsAfter", "failsAfterAsync"] as const) {
      it(`delivers the items before an error in the middle of a batch, then the error with its traceback (${method})`, async () => {
        await using source = open();
        // Batches of 1, 2, 4 and 8 items: the error comes while the fourth is being filled, after 3 items.
        const { items, error } = await collect(source[method](10));
        expect(items).to.deep.equal([...Array(10).keys()]);
        expect(error).to.be.instanceOf(RemoteError);
        expect((error as RemoteError).remoteType).to.equal("builtins.ValueError");
        expect((error as RemoteError).message).to.equal("broken after 10");
        expect((error as RemoteError).remoteTraceback?.join("")).to.contain("broken after 10");
        expect(daemon.stats.streams).to.equal(0);
      });
    }

    it("closes the remote generator when the loop is left early, having run at most one batch ahead", async () => {
      await using source = open();
      const label = `early ${variant.name}`;
      produced = 0;
      let taken = 0;
      for await (const item of source.count(100_000, label)) if (++taken === 20 || item < 0) break;
      await waitUntil(() => finished.includes(label), 5000, "the remote generator to finish");
      expect(daemon.stats.streams).to.equal(0);
      // Batches of 1, 2, 4, 8 and 16 were fetched for 20 items: 31 made.
      expect(produced).to.equal(31);
    });

    it("ends the loop when the generator ends exactly at a batch's end", async () => {
      await using source = open();
      const { items, error } = await collect(source.count(3));
      expect(error).to.equal(undefined);
      expect(items).to.deep.equal([0, 1, 2]);
      expect(daemon.stats.streams).to.equal(0);
    });
  });
}

describe("remote iterator batches: budget and refusals", () => {
  it("keeps a batch of large items under a quarter of the message size limit", async () => {
    const served = servedCounter();
    await using daemon = await Daemon.create({ host: "127.0.0.1", maxMessageSize: 1_000_000, instruments: [served.instrument] });
    const uri = daemon.register(Source, "source");
    await using source = new Proxy<SourceApi>(uri, { maxMessageSize: 1_000_000 });
    // ~100,000 bytes each against a budget of 250,000: at most 2 items per batch (a third is kept for the next), none lost.
    const { items, error } = await collect(source.big(12, 100_000));
    expect(error).to.equal(undefined);
    expect(items.map((item) => item.length)).to.deep.equal(Array(12).fill(100_000));
    expect(items.map((item) => item[0])).to.deep.equal([..."012345678901"]);
    // Batches of 1, 2, 2, 2, 2, 2 and 1 items: 7 pulls (without the budget: 1, 2, 4, 5 = 4 pulls).
    expect(served.counts.get("get_next_stream_items")).to.equal(7);
  });

  it("encodes each item once, as part of its batch's reply", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1" });
    const uri = daemon.register(Source, "source");
    await using source = new Proxy<SourceApi>(uri);
    encodings = 0;
    const { items, error } = await collect(source.counted(300));
    expect(error).to.equal(undefined);
    expect(items).to.deep.equal([...Array(300).keys()].map((index) => ({ index })));
    expect(encodings).to.equal(300);
  });

  it("cuts a batch whose reply comes out over the budget and sends the rest next: in order, each item made once", async () => {
    const served = servedCounter();
    await using daemon = await Daemon.create({ host: "127.0.0.1", maxMessageSize: 1_000_000, instruments: [served.instrument] });
    const uri = daemon.register(Source, "source");
    await using source = new Proxy<SourceApi>(uri, { maxMessageSize: 1_000_000 });
    produced = 0;
    // Batches of 1, 2 and 4 short items; the fourth, asked for 8, takes 8 items of 100,000 bytes
    // (the short ones said 8 fit in 250,000 bytes): its reply is cut to 2, the other 6 are held.
    const { items, error } = await collect(source.growing(7, 10, 100_000));
    expect(error).to.equal(undefined);
    expect(items.map((item) => Number.parseInt(item, 10))).to.deep.equal([...Array(17).keys()]);
    expect(items.slice(7).map((item) => item.length)).to.deep.equal(Array(10).fill(100_000));
    expect(produced).to.equal(17);
    // 3 short batches, 5 of 2 large items (4 of them held ones), and the end: 9 pulls.
    expect(served.counts.get("get_next_stream_items")).to.equal(9);
  });

  it("an item too large alone: the items before it arrive, then the MessageTooLargeError it always gave", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1", maxMessageSize: 1_000_000 });
    const uri = daemon.register(Source, "source");
    await using source = new Proxy<SourceApi>(uri);
    // The third item, 2,000,000 bytes, goes alone (cut from its batch) and is refused by the reply's size check.
    const { items, error } = await collect(source.growing(2, 1, 2_000_000));
    expect(items).to.deep.equal(["0", "1"]);
    expect(error).to.be.instanceOf(MessageTooLargeError);
    expect((error as Error).message).to.match(/^max message size exceeded \(2000\d{3} where max=1000000\): the result of the call was not sent/);
    expect(await collect(source.count(3))).to.deep.equal({ items: [0, 1, 2], error: undefined });
    // The daemon let the stream go with the refusal: nothing is left open for its shutdown to wait for.
    expect(daemon.stats.streams).to.equal(0);
  });

  it("an item that cannot be sent in the middle of a batch: the items before it arrive, then its SerializeError; the connection goes on", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1" });
    const uri = daemon.register(Source, "source");
    await using source = new Proxy<SourceApi>(uri);
    const { items, error } = await collect(source.unsendableThird());
    expect(items).to.deep.equal([1, 2]);
    expect(error).to.be.instanceOf(SerializeError);
    expect((error as Error).message).to.equal("cannot send result.next: a symbol (symbols do not cross the wire: send a string)");
    expect(daemon.stats.streams).to.equal(0);
    expect(await collect(source.count(3))).to.deep.equal({ items: [0, 1, 2], error: undefined });
  });

  it("sends the annotations a generator sets for each item with that item (one item per reply then)", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1" });
    const uri = daemon.register(Source, "source");
    await using source = new Proxy<SourceApi>(uri);
    const seen: string[] = [];
    const watched = withOptions(source, { onAnnotations: (a) => seen.push(a.has("ITEM") ? Buffer.from(a.get("ITEM")!).toString() : "-") });
    const { items } = await collect(watched.annotated(3));
    expect(items).to.deep.equal([0, 1, 2]);
    expect(seen.filter((text) => text !== "-")).to.deep.equal(["item 0", "item 1", "item 2"]);
  });

  it("refuses a bad batch size, and a stream of another connection, and the stream goes on", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1" });
    const uri = daemon.register(Source, "source");
    await using source = new Proxy<SourceApi>(uri);
    // The call's promise resolves to the remote iterator itself.
    const iterator = await (source.count(10) as unknown as Promise<AsyncIterator<number> & { streamId: string }>);
    expect((await iterator.next()).value).to.equal(0);
    const streamId = iterator.streamId;
    expect(streamId).to.be.a("string");
    await using stranger = new Proxy<DaemonApi>(`PYRO:Pyro.Daemon@${daemon.locationStr}`);
    for (const max of [0, -1, 1.5, 257, 1e12, "8", null, [8]]) {
      const refusal = await stranger.get_next_stream_items(streamId, max).catch((e: unknown) => e);
      expect(refusal, `max ${JSON.stringify(max)}`).to.be.instanceOf(PyroError);
      expect((refusal as Error).message).to.equal("get_next_stream_items: max must be an integer from 1 to 256");
    }
    for (const size of [-1, 0.5, "x"]) {
      const refusal = await stranger.get_next_stream_items(streamId, 1, size).catch((e: unknown) => e);
      expect((refusal as Error).message).to.contain("maxMessageSize must be an integer");
    }
    const foreign = await stranger.get_next_stream_items(streamId, 1).catch((e: unknown) => e);
    expect(foreign).to.be.instanceOf(PyroError);
    expect((foreign as Error).message).to.equal("item stream terminated");
    const unknown = await stranger.get_next_stream_items("no such stream", 1).catch((e: unknown) => e);
    expect((unknown as Error).message).to.equal("item stream terminated");
    const rest: number[] = [];
    for (;;) {
      const step = await iterator.next();
      if (step.done) break;
      rest.push(step.value as number);
    }
    expect(rest).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
