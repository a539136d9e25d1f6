/**
 * The direct encoding of simple calls and values (serializers/msgpack-direct.ts) against msgpackr,
 * which the general path uses: for every call or value it takes, the bytes must be msgpackr's,
 * byte for byte; what it leaves to the general path must come out as the prepare walk makes it.
 */
import { expect } from "chai";
import { MSGPACKR_OPTIONS, PYRO5, encodeSimpleCall, encodeSimpleValue, msgpackSerializer as msgpack } from "@pyrots/core/internal";
import { Packr } from "msgpackr";

/** msgpackr as the serializer sets it up (msgpack.ts). */
const packr = new Packr({ ...MSGPACKR_OPTIONS });

const reference = (object: string, method: string, args: unknown[], kwargs: Record<string, unknown> | null): string =>
  Buffer.from(packr.pack([object, method, args, kwargs])).toString("hex");
const encoded = (object: string, method: string, args: unknown[], kwargs: Record<string, unknown> | null, reserve = 0): string =>
  msgpack.encodeCall(object, method, args, kwargs, reserve).subarray(reserve).toString("hex");

/** A deterministic generator (xorshift), so a failure names a reproducible case. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

const EDGES = [0, 1, 31, 32, 127, 128, 255, 256, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, -1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31)];

function simpleValue(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * 9);
  switch (pick) {
    case 0:
      return EDGES[Math.floor(next() * EDGES.length)];
    case 1:
      return Math.floor((next() - 0.5) * 2 ** (1 + Math.floor(next() * 32)));
    case 2: {
      const float = (next() - 0.5) * 10 ** Math.floor(next() * 12);
      return Number.isInteger(float) ? float + 0.5 : float;
    }
    case 3:
      return "x".repeat(Math.floor(next() * 256)).replace(/x/g, () => String.fromCharCode(32 + Math.floor(next() * 95)));
    case 4:
      return next() < 0.5;
    case 5:
      return next() < 0.5 ? null : undefined;
    case 6:
      return {};
    default:
      if (depth > 3) return 1;
      return Array.from({ length: Math.floor(next() * (next() < 0.1 ? 40 : 6)) }, () => simpleValue(next, depth + 1));
  }
}

describe("msgpack: simple calls written directly", () => {
  it("gives msgpackr's bytes for every kind of simple argument", () => {
    const cases: Array<[string, string, unknown[], Record<string, unknown> | null]> = [
      ["bench", "add", [1, 2], {}],
      ["obj", "m", [], null],
      ["Pyro.Daemon", "get_next_stream_items", ["0123456789abcdef0123456789abcdef", 256], {}],
      ["o", "edges", EDGES, {}],
      ["o", "floats", [0.5, -1.25, 3.14159, -1e-300, 1e-5, Number.NaN, Infinity, -Infinity, 2 ** 32 + 0.5, 2 ** 51 + 0.5], {}],
      ["o", "strings", ["", "a".repeat(31), "b".repeat(32), "c".repeat(255), "\u007f"], {}],
      ["o", "scalars", [true, false, null, undefined], {}],
      ["o", "nested", [[1, [2, [3]]], [{}, []], Array.from({ length: 16 }, (_, i) => i), Array.from({ length: 300 }, (_, i) => i * 1000)], {}],
      ["o".repeat(40), "m".repeat(200), [], {}],
    ];
    for (const [object, method, args, kwargs] of cases) {
      expect(encodeSimpleCall(object, method, args, kwargs, 0), "taken directly").to.not.equal(undefined);
      expect(encoded(object, method, args, kwargs), `${method}(${JSON.stringify(args).slice(0, 80)})`).to.equal(reference(object, method, args, kwargs));
    }
  });

  it("gives msgpackr's bytes for 3,000 random simple calls, with and without room for a header", () => {
    const next = random(17);
    for (let i = 0; i < 3000; i++) {
      const args = Array.from({ length: Math.floor(next() * 20) }, () => simpleValue(next, 1));
      const kwargs = next() < 0.2 ? null : {};
      const reserve = next() < 0.5 ? 0 : Math.floor(next() * 256);
      // Calls over 4 KiB take the general path.
      if (reference("obj", "method", args, kwargs).length / 2 + reserve < 4000) {
        expect(encodeSimpleCall("obj", "method", args, kwargs, reserve), `case ${i} taken directly`).to.not.equal(undefined);
      }
      expect(encoded("obj", "method", args, kwargs, reserve), `case ${i}: ${JSON.stringify(args).slice(0, 200)}`).to.equal(
        reference("obj", "method", args, kwargs),
      );
    }
  });

  it("keeps earlier calls' bytes when later ones are written (a new slab when one is full)", () => {
    const frames = Array.from({ length: 3000 }, (_, i) => msgpack.encodeCall("obj", "m", ["s".repeat(i % 250), i], {}, 24));
    frames.forEach((frame, i) => {
      expect(frame.subarray(24).toString("hex"), `call ${i}`).to.equal(reference("obj", "m", ["s".repeat(i % 250), i], {}));
    });
  });

  it("leaves to the prepare walk what it converts: −0, integers beyond 32 bits, non-ASCII text, keyword arguments, objects", () => {
    // −0 is a float64, 2^40 a uint64 (as Python's msgpack writes them), not msgpackr's forms; 1e300 a float64.
    expect(encoded("o", "m", [-0], {})).to.equal(`94a16fa16d91cb8000000000000000${"80"}`);
    expect(encoded("o", "m", [2 ** 40], {})).to.equal(`94a16fa16d91cf0000010000000000${"80"}`);
    expect(encoded("o", "m", [1e300], {})).to.equal(reference("o", "m", [1e300], {}));
    for (const args of [[-0], [2 ** 40], [1e300], [[[[[1]]]]], ["héllo"], [{ a: 1 }], [[new Date(0)]], ["x".repeat(256)]]) {
      expect(encodeSimpleCall("o", "m", args, {}, 0), JSON.stringify(args)).to.equal(undefined);
    }
    expect(encodeSimpleCall("o", "m", [], { key: 1 }, 0)).to.equal(undefined);
    for (const args of [["héllo"], [new Map([["a", 1]])], [{ a: 1 }], [new Set([1])], [new Date(0)], [10n], [Buffer.from("ab")], ["x".repeat(256)]]) {
      expect(msgpack.decode(msgpack.encodeCall("o", "m", args, {}))).to.deep.equal(msgpack.decode(msgpack.encode(["o", "m", args, {}])));
    }
    expect(msgpack.decode(msgpack.encodeCall("o", "m", [1], { key: "v" }))).to.deep.equal(["o", "m", [1], { key: "v" }]);
    expect(() => msgpack.encodeCall("o", "m", [() => 1], {})).to.throw(/function/);
  });

  it("is the same for Pyro5's msgpack (the call tuple has no class dicts)", () => {
    const pyro5 = PYRO5.serializerByName("msgpack");
    expect(pyro5.encodeCall("o", "m", [1, "a", [2.5]], {}).toString("hex")).to.equal(reference("o", "m", [1, "a", [2.5]], {}));
  });
});

describe("msgpack: simple values (results) written directly", () => {
  const packed = (value: unknown): string => Buffer.from(packr.pack(value)).toString("hex");

  it("gives msgpackr's bytes for 3,000 random simple values, with and without room for a header", () => {
    const next = random(29);
    for (let i = 0; i < 3000; i++) {
      const value = simpleValue(next, 1);
      const reserve = next() < 0.5 ? 0 : Math.floor(next() * 256);
      if (packed(value).length / 2 + reserve < 4000) expect(encodeSimpleValue(value, reserve), `case ${i} taken directly`).to.not.equal(undefined);
      expect(msgpack.encode(value, reserve).subarray(reserve).toString("hex"), `case ${i}: ${JSON.stringify(value)?.slice(0, 200)}`).to.equal(packed(value));
    }
    [...EDGES, 0.5, Number.NaN, -Infinity, "", "x".repeat(255), true, false, null, {}, [], [[1, "a"], {}]].forEach((value, i) => {
      expect(encodeSimpleValue(value, 0)?.toString("hex"), `value ${i}`).to.equal(packed(value));
    });
    expect(encodeSimpleValue(undefined, 0)?.toString("hex")).to.equal("c0");
  });

  it("leaves to the prepare walk what it converts or refuses", () => {
    [-0, 2 ** 40, "héllo", "x".repeat(256), { a: 1 }, new Date(0), Buffer.from("ab"), 10n, new Map(), new Set(), [[[[[1]]]]], [() => 1]].forEach((value, i) => {
      expect(encodeSimpleValue(value, 0), `value ${i}`).to.equal(undefined);
    });
    expect(msgpack.encode(-0).toString("hex")).to.equal("cb8000000000000000");
    expect(msgpack.encode(2 ** 40).toString("hex")).to.equal("cf0000010000000000");
    expect(() => msgpack.encode([() => 1])).to.throw(/function/);
  });
});
