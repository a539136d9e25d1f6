/**
 * The msgpack call decoder (`decodeCall`, with its fast path for the common `[object, method,
 * args, kwargs]` shape) against the general one, `checkCall(decode(...))`: on calls built from
 * random values and on their mutations (bytes changed, cut off, added), both must give the same
 * call or refuse with the same SerializeError, never another error. Short payloads (the replies
 * read without a reader: one small scalar) must decode as the same bytes do inside an array, which
 * the general reader takes.
 *
 * `FUZZ_CASES` sets the number of payloads (default 3000); `FUZZ_SEED` replays a run.
 */
import { expect } from "chai";
import fc from "fast-check";
import { DEFAULT_DECODE_CONTEXT, SerializeError, checkCall, msgpackSerializer as msgpack } from "@pyrots/core/internal";
import { FUZZ_SEED, fuzzCases } from "./harness.js";

type Outcome = { call: unknown } | { error: string };

function outcome(decode: () => unknown): Outcome {
  try {
    return { call: decode() };
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(SerializeError);
    return { error: (error as Error).message };
  }
}

const name = fc.oneof(fc.constantFrom("calc", "add", "Pyro.Daemon", "__getattr__", "a", ""), fc.string({ maxLength: 20 }));
const item = fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 30 }), fc.boolean(), fc.constant(null), fc.uint8Array({ maxLength: 20 }));
const args = fc.array(fc.oneof(item, fc.array(item, { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 8 }), item, { maxKeys: 3 })), { maxLength: 5 });
const kwargs = fc.oneof(fc.constant({}), fc.constant(null), fc.dictionary(fc.string({ maxLength: 8 }), item, { maxKeys: 3 }));
/** Mostly well-formed calls, some with the wrong item types or counts. */
const callValue = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(name, name, args, kwargs) },
  { weight: 1, arbitrary: fc.array(fc.oneof(item, args, kwargs), { maxLength: 6 }) },
);

/** A change to the encoded bytes: none, a byte replaced, the end cut off, or bytes added. */
const mutation = fc.oneof(
  fc.constant((bytes: Buffer) => bytes),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => (bytes: Buffer) => {
    const copy = Buffer.from(bytes);
    if (copy.length > 0) copy[at % copy.length] = byte;
    return copy;
  }),
  fc.nat().map((keep) => (bytes: Buffer) => bytes.subarray(0, keep % (bytes.length + 1))),
  fc.uint8Array({ minLength: 1, maxLength: 4 }).map((extra) => (bytes: Buffer) => Buffer.concat([bytes, extra])),
);

describe("fuzz: the msgpack call decoder agrees with the general decoder", function () {
  this.timeout(0);

  it("gives the same call or the same refusal for random calls and their mutations", () => {
    fc.assert(
      fc.property(callValue, mutation, (value, mutate) => {
        const payload = mutate(msgpack.encode(value));
        const fast = outcome(() => msgpack.decodeCall(payload, DEFAULT_DECODE_CONTEXT));
        const general = outcome(() => checkCall(msgpack.decode(payload, DEFAULT_DECODE_CONTEXT)));
        expect(fast).to.deep.equal(general);
      }),
      { numRuns: fuzzCases(3000), seed: FUZZ_SEED },
    );
  });

  it("reads short payloads (one scalar, read directly) as the general reader reads the same bytes inside an array", () => {
    const short = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 9 }),
      fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)).chain((value) => {
        const bytes = msgpack.encode(value);
        return fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
          const copy = Buffer.from(bytes);
          copy[at % copy.length] = byte;
          return copy;
        });
      }),
    );
    fc.assert(
      fc.property(short, (bytes) => {
        const direct = outcome(() => msgpack.decode(bytes, DEFAULT_DECODE_CONTEXT));
        const inArray = outcome(() => msgpack.decode(Buffer.concat([Buffer.from([0x91]), bytes]), DEFAULT_DECODE_CONTEXT));
        if ("call" in direct) expect(inArray, bytes.toString("hex")).to.deep.equal({ call: [direct.call] });
        else expect(inArray, bytes.toString("hex")).to.have.property("error");
      }),
      { numRuns: fuzzCases(3000), seed: FUZZ_SEED },
    );
  });
});
