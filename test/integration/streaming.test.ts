import { expect } from "chai";
import { Daemon, Proxy, RemoteError, expose } from "@pyrots/core";
import { waitUntil } from "@pyrots/test-support";
import { VARIANTS, startDaemon } from "../support/variants.js";

const finished: string[] = [];

@expose
class Streams {
  *count(n: number): Generator<number> {
    try {
      for (let i = 0; i < n; i++) yield i;
    } finally {
      finished.push(`count ${n}`);
    }
  }

  async *slowly(n: number): AsyncGenerator<string> {
    for (let i = 0; i < n; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      yield `item ${i}`;
    }
  }

  *failing(): Generator<number> {
    yield 1;
    throw new RangeError("broken at 2");
  }

  list(): number[] {
    return [1, 2, 3];
  }

  entries(): IterableIterator<[string, number]> {
    return new Map([["a", 1]]).entries();
  }
}

interface StreamsApi {
  count(n: number): Iterable<number>;
  slowly(n: number): AsyncIterable<string>;
  failing(): Iterable<number>;
  list(): number[];
  entries(): IterableIterator<[string, number]>;
}

for (const variant of VARIANTS) {
  describe(`remote iterators (${variant.name})`, () => {
    let daemon: Daemon;
    let uri: string;

    before(async () => {
      daemon = await startDaemon(variant, { iterStreamLinger: 0.2 });
      uri = daemon.register(Streams, "streams").toString();
    });
    after(() => daemon.shutdown());

    const open = () => new Proxy<StreamsApi>(uri, { serializer: variant.serializer });

    it("streams a generator's items with for await", async () => {
      await using streams = open();
      const items: number[] = [];
      for await (const item of streams.count(5)) items.push(item);
      expect(items).to.deep.equal([0, 1, 2, 3, 4]);
    });

    it("streams an async generator", async () => {
      await using streams = open();
      const items: string[] = [];
      for await (const item of streams.slowly(3)) items.push(item);
      expect(items).to.deep.equal(["item 0", "item 1", "item 2"]);
    });

    it("streams iterators such as Map entries", async () => {
      await using streams = open();
      const items: unknown[] = [];
      for await (const item of streams.entries()) items.push(item);
      expect(items).to.deep.equal([["a", 1]]);
    });

    it("returns arrays as values, not streams", async () => {
      await using streams = open();
      expect(await streams.list()).to.deep.equal([1, 2, 3]);
    });

    it("closes the remote stream when the loop is left early", async () => {
      await using streams = open();
      const n = 1000 + VARIANTS.indexOf(variant);
      const label = `count ${n}`;
      for await (const item of streams.count(n)) if (item === 2) break;
      await waitUntil(() => finished.includes(label), 5000, "the remote generator to finish");
      expect(daemon.stats.streams).to.equal(0);
    });

    it("delivers an error from the generator at that item", async () => {
      await using streams = open();
      const items: number[] = [];
      let error: unknown;
      try {
        for await (const item of streams.failing()) items.push(item);
      } catch (e) {
        error = e;
      }
      expect(items).to.deep.equal([1]);
      expect(error).to.be.instanceOf(RemoteError);
      expect((error as RemoteError).remoteType).to.equal("builtins.ValueError");
      expect((error as RemoteError).message).to.equal("broken at 2");
    });

    it("drops the streams of a vanished client after the linger time", async () => {
      const streams = open();
      const iterator = (streams.count(10) as unknown as AsyncIterable<number>)[Symbol.asyncIterator]();
      expect((await iterator.next()).value).to.equal(0);
      expect(daemon.stats.streams).to.equal(1);
      await streams[Symbol.asyncDispose]();
      await waitUntil(() => daemon.stats.streams === 0, 5000, "the lingering stream to expire");
    });
  });
}

describe("remote iterator lifetime", () => {
  it("ends a stream older than ITER_STREAM_LIFETIME, even while its client is connected", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1", iterStreamLifetime: 0.2 });
    const uri = daemon.register(Streams, "streams");
    await using streams = new Proxy<StreamsApi>(uri);
    const iterator = (streams.count(10) as unknown as AsyncIterable<number>)[Symbol.asyncIterator]();
    expect((await iterator.next()).value).to.equal(0);
    await waitUntil(() => daemon.stats.streams === 0, 5000, "the stream to reach its lifetime");
    let error: unknown;
    try {
      await iterator.next();
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.equal("item stream terminated");
  });
});
