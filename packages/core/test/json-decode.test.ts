import { expect } from "chai";
import { deflateSync } from "node:zlib";
import {
  DEFAULT_DECODE_LIMITS,
  type DecodeContext,
  type DecodeLimits,
  HANDSHAKE_DECODE_LIMITS,
  ProtocolError,
  RemoteError,
  SerializeError,
  URI,
  decompressPayload,
  jsonSerializer as json,
  msgpackSerializer as msgpack,
  payloadOf,
} from "@pyrots/core/internal";

const limits = (overrides: Partial<DecodeLimits>): DecodeContext => ({ limits: { ...DEFAULT_DECODE_LIMITS, ...overrides } });
const parse = (text: string, context?: DecodeContext): unknown => json.decode(Buffer.from(text), context);

describe("json decoder", () => {
  describe("integers beyond 2^53", () => {
    it("keeps them exact beside a long string (the old fallback parser overflowed the stack there)", () => {
      const long = "x".repeat(10_000_000);
      const value = parse(`{"n": 12345678901234567890, "s": "${long}", "e": "a\\"b\\u00e9"}`) as Record<string, unknown>;
      expect(value.n).to.equal(12345678901234567890n);
      expect(value.s).to.equal(long);
      expect(value.e).to.equal('a"bé');
    });

    it("keeps them exact beside NaN and in nested values, and leaves floats with many digits to JSON.parse's numbers", () => {
      expect(parse('[NaN, -9223372036854775809, {"a": [18446744073709551616]}, 0.30000000000000004, 1e300, -0.0]')).to.deep.equal([
        NaN,
        -9223372036854775809n,
        { a: [18446744073709551616n] },
        0.30000000000000004,
        1e300,
        -0,
      ]);
      expect(parse("9007199254740993")).to.equal(9007199254740993n);
      expect(parse("1234567890123456.5")).to.equal(1234567890123456.5);
    });

    it("refuses integers of more than 4300 digits (Python's own limit)", () => {
      expect(parse(`[${"7".repeat(4300)}]`)).to.deep.equal([BigInt("7".repeat(4300))]);
      expect(() => parse(`[${"7".repeat(4301)}]`)).to.throw(SerializeError, /4301 digits exceeds the limit of 4300/);
    });
  });

  describe("the slow parser (NaN, Infinity)", () => {
    it("parses what JSON.parse does, plus Python's literals", () => {
      const text = '{"a": [1, -2.5e3, true, false, null, "x\\n\\u20ac", {}, []], "b": {"c": Infinity, "d": -Infinity}, "n": NaN}';
      expect(parse(text)).to.deep.equal({ a: [1, -2500, true, false, null, "x\n€", {}, []], b: { c: Infinity, d: -Infinity }, n: NaN });
    });

    it("refuses what JSON refuses", () => {
      for (const bad of ["[NaN,]", "{NaN: 1}", '{"a" NaN}', "[NaN", '["a\\x", NaN]', '["\u0001", NaN]', "[01, NaN]", "[1.] ", "[-, NaN]", "[NaN] x", "nan"]) {
        expect(() => parse(bad), bad).to.throw(SerializeError, /invalid json data/);
      }
    });

    it("refuses nesting deeper than maxDepth without recursion (200,000 levels beside a NaN)", () => {
      const deep = "[".repeat(200_000) + "NaN" + "]".repeat(200_000);
      expect(() => parse(deep)).to.throw(SerializeError, /nested deeper than 128 levels/);
      expect(parse("[".repeat(128) + "NaN" + "]".repeat(128))).to.be.an("array");
    });

    it("revives class dicts and bytes dicts as the fast path does", () => {
      const value = parse('[NaN, {"__class__": "Pyro4.core.URI", "state": ["PYRO", "o", null, "h", 1]}, {"data": "aGk=", "encoding": "base64"}]') as unknown[];
      expect((value[1] as URI).toString()).to.equal("PYRO:o@h:1");
      expect((value[2] as Buffer).toString()).to.equal("hi");
    });
  });

  describe("limits", () => {
    it("refuses nesting deeper than maxDepth on the fast path too", () => {
      expect(parse("[".repeat(128) + "]".repeat(128))).to.be.an("array");
      expect(() => parse("[".repeat(129) + "]".repeat(129))).to.throw(SerializeError, /nested deeper than 128 levels/);
      expect(() => parse('{"a": {"a": {"a": {}}}}', limits({ maxDepth: 3 }))).to.throw(SerializeError, /deeper than 3/);
      expect(() => parse("[".repeat(200_000) + "]".repeat(200_000))).to.throw(SerializeError, /nested deeper/);
    });

    it("refuses a payload larger than maxBytes", () => {
      expect(() => parse(`"${"x".repeat(70_000)}"`, { limits: HANDSHAKE_DECODE_LIMITS })).to.throw(SerializeError, /exceeds the decode limit of 65536/);
    });

    it("builds large payloads with the counting parser when JSON.parse could spend more than maxCost", () => {
      const flood = "[" + Array.from({ length: 50_000 }, () => "{}").join(",") + "]";
      expect(() => parse(flood, limits({ maxCost: 1024 * 1024 }))).to.throw(SerializeError, /more than 1048576 bytes/);
      const text = `{"s": "${"x".repeat(200_000)}", "n": [1, 2.5, null], "b": {"data": "aGk=", "encoding": "base64"}}`;
      const value = parse(text, limits({ maxCost: 1024 * 1024 })) as { s: string; n: unknown[]; b: Buffer };
      expect([value.s.length, value.n, value.b.toString()]).to.deep.equal([200_000, [1, 2.5, null], "hi"]);
    });

    it("counts the cost when the budget is below what JSON.parse can spend", () => {
      const flood = "[" + Array.from({ length: 50_000 }, () => "{}").join(",") + "]";
      expect((parse(flood) as unknown[]).length).to.equal(50_000);
      expect(() => parse(flood, limits({ expansion: 4, minBudget: 0 }))).to.throw(SerializeError, /would decode to values of more than/);
      expect(() => parse(flood.replace("{}", "NaN"), limits({ expansion: 4, minBudget: 0 }))).to.throw(SerializeError, /would decode to values of more than/);
    });
  });

  it("never converts a decoded value to text in an exception's message", () => {
    const error = parse(
      '{"__class__": "builtins.ValueError", "__exception__": true, "args": [{"__class__": "Pyro4.core.Proxy", "state": ["PYRO:o@h:1", [], [], [], null, null, "hello", 0]}, 2], "attributes": {}}',
      { limits: DEFAULT_DECODE_LIMITS, reviveProxy: () => new Proxy({}, { get: () => expect.fail("a trap of the decoded proxy was hit") }) },
    ) as RemoteError;
    expect(error.message).to.equal("(<object>, 2)");
  });
});

describe("decompression within the decode limits", () => {
  it("stops inflating at maxBytes, with a message that says so", () => {
    const bomb = deflateSync(Buffer.alloc(10_000_000));
    expect(() => decompressPayload(bomb, 65_536)).to.throw(ProtocolError, /inflates to more than 65536 bytes/);
    const message = { type: 4, flags: 0x02, seq: 1, serializerId: 6, annotations: new Map(), data: bomb };
    expect(() => payloadOf(message, HANDSHAKE_DECODE_LIMITS)).to.throw(ProtocolError, /more than 65536 bytes/);
    expect(payloadOf(message, DEFAULT_DECODE_LIMITS).length).to.equal(10_000_000);
  });
});

describe("encoder state is per call", () => {
  /** A value whose toJSON encodes something else with `encode` first (as a logging toJSON might). */
  class Reentrant {
    constructor(private readonly encode: () => unknown) {}
    toJSON(): number {
      this.encode();
      return 1;
    }
  }

  it("json: an encode inside a toJSON does not make the outer encode forget its NaN", () => {
    expect(json.encode([NaN, new Reentrant(() => json.encode("inner"))]).toString()).to.equal("[NaN,1]");
  });

  it("msgpack: an encode inside a toJSON does not make the outer encode forget its large binary", () => {
    const big = Buffer.alloc(100_000, 1);
    const parts = msgpack.encodeParts!([big, new Reentrant(() => msgpack.encodeParts!([Buffer.alloc(10)]))]);
    expect(Array.isArray(parts)).to.equal(true);
    expect((parts as Buffer[]).some((part) => part.buffer === big.buffer)).to.equal(true);
  });
});
