import { expect } from "chai";
import { BatchError, Daemon, Proxy, RemoteError, batch, behavior, expose, runBatch } from "@pyrots/core";
import { VARIANTS, startDaemon } from "../support/variants.js";

@expose
@behavior({ instanceMode: "single" })
class Counter {
  value = 0;

  inc(by: number): number {
    this.value += by;
    return this.value;
  }

  async incLater(by: number): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return this.inc(by);
  }

  fail(text: string): never {
    throw new Error(text);
  }

  current(): number {
    return this.value;
  }
}

interface CounterApi {
  inc(by: number): number;
  incLater(by: number): Promise<number>;
  fail(text: string): never;
  current(): number;
}

for (const variant of VARIANTS) {
  describe(`batches (${variant.name})`, () => {
    let daemon: Daemon;
    let uri: string;

    before(async () => {
      daemon = await startDaemon(variant);
      uri = daemon.register(Counter, "counter").toString();
    });
    after(() => daemon.shutdown());

    it("sends queued calls as one message and returns results in order", async () => {
      await using counter = new Proxy<CounterApi>(uri, { serializer: variant.serializer });
      const start = await counter.current();
      const b = batch(counter);
      b.inc(1);
      b.incLater(2);
      b.inc(3);
      expect(await runBatch(b)).to.deep.equal([start + 1, start + 3, start + 6]);
    });

    it("stops at the first failure and reports its position and the results before it", async () => {
      await using counter = new Proxy<CounterApi>(uri, { serializer: variant.serializer });
      const start = await counter.current();
      const b = batch(counter);
      b.inc(1);
      b.fail("in batch");
      b.inc(100);
      let error: unknown;
      try {
        await runBatch(b);
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(BatchError);
      const batchError = error as BatchError;
      expect(batchError.index).to.equal(1);
      expect(batchError.results).to.deep.equal([start + 1]);
      expect(batchError.cause).to.be.instanceOf(RemoteError);
      expect(await counter.current()).to.equal(start + 1);
    });

    it("runs a oneway batch without waiting for results", async () => {
      await using counter = new Proxy<CounterApi>(uri, { serializer: variant.serializer });
      const start = await counter.current();
      const b = batch(counter);
      b.inc(5);
      b.inc(5);
      expect(await runBatch(b, { oneway: true })).to.deep.equal([]);
      const deadline = Date.now() + 5000;
      while ((await counter.current()) !== start + 10) {
        expect(Date.now(), "the oneway batch to run").to.be.below(deadline);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    });
  });
}
