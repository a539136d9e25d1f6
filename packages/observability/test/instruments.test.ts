import { expect } from "chai";
import { type CallWatch, type Instrument, type ServedCall, combineInstruments, startServing, watchFailed, watchSucceeded } from "@pyrots/core/internal";
import { OTHER, SeriesLimit } from "@pyrots/observability/prometheus";

const call: ServedCall = { objectId: "shop", method: "add", oneway: false, annotations: undefined };

describe("instruments", () => {
  it("combines several into one: every watch is told, runs nest in order, the first annotation of an id wins", () => {
    const log: string[] = [];
    const instrument = (name: string, annotation?: string): Instrument => ({
      serving: (): CallWatch => ({
        annotations: annotation === undefined ? undefined : new Map([["TRCE", Buffer.from(annotation)]]),
        run: <T>(body: () => T): T => {
          log.push(`${name} in`);
          try {
            return body();
          } finally {
            log.push(`${name} out`);
          }
        },
        succeeded: () => log.push(`${name} ok`),
        failed: (error) => log.push(`${name} failed ${String(error)}`),
      }),
    });
    const combined = combineInstruments([instrument("a", "first"), { serving: () => undefined }, instrument("b", "second")])!;
    const watch = combined.serving!(call)!;
    expect(watch.run!(() => (log.push("body"), 42))).to.equal(42);
    watch.succeeded();
    watch.failed("boom");
    expect(log).to.deep.equal(["a in", "b in", "body", "b out", "a out", "a ok", "b ok", "a failed boom", "b failed boom"]);
    expect(Buffer.from(watch.annotations!.get("TRCE")!).toString()).to.equal("first");
    expect(combineInstruments([])).to.equal(undefined);
    expect(combineInstruments(undefined)).to.equal(undefined);
  });

  it("an instrument that throws watches nothing, and a watch that throws is ignored: the call goes on", () => {
    expect(
      startServing(
        {
          serving: () => {
            throw new Error("broken instrument");
          },
        },
        call,
      ),
    ).to.equal(undefined);
    const broken: CallWatch = {
      succeeded: () => {
        throw new Error("no");
      },
      failed: () => {
        throw new Error("no");
      },
    };
    watchSucceeded(broken);
    watchFailed(broken, new Error("the call's"));
  });
});

describe("bounded label sets", () => {
  it("admits the first max label sets, then folds new ones into <other> and counts each", () => {
    const overflow: string[] = [];
    const limit = new SeriesLimit("m", ["object", "method"], 2, (metric) => overflow.push(metric));
    expect(limit.admit({ object: "a", method: "x" })).to.deep.equal({ object: "a", method: "x" });
    expect(limit.admit({ object: "a", method: "y" })).to.deep.equal({ object: "a", method: "y" });
    expect(limit.admit({ object: "b", method: "x" })).to.deep.equal({ object: OTHER, method: OTHER });
    expect(limit.admit({ object: "a", method: "x" }), "known sets stay").to.deep.equal({ object: "a", method: "x" });
    // Keys must not collide across label boundaries.
    expect(limit.admit({ object: "a\u0000", method: "" })).to.deep.equal({ object: OTHER, method: OTHER });
    expect(limit.size).to.equal(2);
    expect(overflow).to.deep.equal(["m", "m"]);
  });
});
