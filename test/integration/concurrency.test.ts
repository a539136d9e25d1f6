import { expect } from "chai";
import { Daemon, Proxy, TimeoutError, expose, withOptions } from "@pyrots/core";
import { VARIANTS, startDaemon } from "../support/variants.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@expose
class Slow {
  async delayed(value: number, ms: number): Promise<number> {
    await sleep(ms);
    return value;
  }

  quick(value: number): number {
    return value;
  }
}

interface SlowApi {
  delayed(value: number, ms: number): Promise<number>;
  quick(value: number): number;
}

for (const variant of VARIANTS) {
  describe(`concurrency (${variant.name})`, () => {
    let daemon: Daemon;
    let uri: string;

    before(async () => {
      daemon = await startDaemon(variant);
      uri = daemon.register(Slow, "slow").toString();
    });
    after(() => daemon.shutdown());

    const open = () => new Proxy<SlowApi>(uri, { serializer: variant.serializer });

    it("carries many calls at once on one connection, each answered with its own result", async () => {
      await using slow = open();
      const completed: number[] = [];
      const calls = Array.from({ length: 64 }, (_, i) =>
        slow.delayed(i, (64 - i) % 7).then((value) => {
          completed.push(value);
          return value;
        }),
      );
      const results = await Promise.all(calls);
      expect(results).to.deep.equal(Array.from({ length: 64 }, (_, i) => i));
      // Replies came back in a different order than the calls went out: they were in flight together.
      expect(completed).to.not.deep.equal(results);
    });

    it("answers a quick call on one connection while a slow call runs on another", async () => {
      await using a = open();
      await using b = open();
      let slowDone = false;
      const slowCall = a.delayed(1, 300).then(() => (slowDone = true));
      await a.quick(0); // connected, slow call is in flight
      expect(await b.quick(2)).to.equal(2);
      expect(slowDone).to.equal(false);
      await slowCall;
    });

    it("answers a quick call on the same connection while a slow one runs", async () => {
      await using a = open();
      let slowDone = false;
      const slowCall = a.delayed(1, 300).then(() => (slowDone = true));
      expect(await a.quick(3)).to.equal(3);
      expect(slowDone).to.equal(false);
      await slowCall;
    });

    it("gives up waiting after the call timeout with TimeoutError", async () => {
      await using slow = open();
      let error: unknown;
      try {
        await withOptions(slow, { timeout: 0.05 }).delayed(1, 500);
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(TimeoutError);
      expect(await slow.quick(5)).to.equal(5);
    });

    it("stops waiting when the call's AbortSignal fires", async () => {
      await using slow = open();
      const controller = new AbortController();
      const call = withOptions(slow, { signal: controller.signal }).delayed(1, 500);
      controller.abort(new Error("user gave up"));
      let error: Error | undefined;
      try {
        await call;
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).to.equal("user gave up");
    });
  });
}
