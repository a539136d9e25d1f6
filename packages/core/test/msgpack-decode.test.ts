import { expect } from "chai";
import {
  Complex,
  DEFAULT_DECODE_CONTEXT,
  DEFAULT_DECODE_LIMITS,
  type DecodeContext,
  type DecodeLimits,
  HANDSHAKE_DECODE_LIMITS,
  ProxyRef,
  PyDate,
  RemoteError,
  SecurityError,
  SerializeError,
  URI,
  msgpackSerializer as msgpack,
} from "@pyrots/core/internal";
import { Packr } from "msgpackr";

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ""), "hex");
const limits = (overrides: Partial<DecodeLimits>): DecodeContext => ({ limits: { ...DEFAULT_DECODE_LIMITS, ...overrides } });

/** A minimal msgpack writer for payloads no encoder of ours emits. */
function str(text: string): Buffer {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length < 32) return Buffer.concat([Buffer.from([0xa0 | bytes.length]), bytes]);
  return Buffer.concat([Buffer.from([0xd9, bytes.length]), bytes]);
}
function map(...entries: Array<[Buffer, Buffer]>): Buffer {
  return Buffer.concat([Buffer.from([0x80 | entries.length]), ...entries.flat()]);
}
function array(...items: Buffer[]): Buffer {
  if (items.length < 16) return Buffer.concat([Buffer.from([0x90 | items.length]), ...items]);
  const head = Buffer.from([0xdd, 0, 0, 0, 0]);
  head.writeUInt32BE(items.length, 1);
  return Buffer.concat([head, ...items]);
}
const nil = Buffer.from([0xc0]);
const int = (n: number) => Buffer.from([n]);

/** A proxy that records every trap it sees: a decoded value must be handled without any. */
function tracker(): { proxy: object; traps: string[] } {
  const traps: string[] = [];
  const proxy = new Proxy(
    {},
    {
      get: (_t, key) => (traps.push(`get ${String(key)}`), undefined),
      has: (_t, key) => (traps.push(`has ${String(key)}`), false),
      ownKeys: () => (traps.push("ownKeys"), []),
      getOwnPropertyDescriptor: (_t, key) => (traps.push(`descriptor ${String(key)}`), undefined),
    },
  );
  return { proxy, traps };
}

const PROXY_STATE = array(str("PYRO:obj@127.0.0.1:9999"), array(), array(), array(), nil, nil, str("hello"), int(0));
const PROXY_DICT = map([str("__class__"), str("Pyro4.core.Proxy")], [str("state"), PROXY_STATE]);

describe("msgpack decoder", () => {
  describe("every msgpack format", () => {
    const FORMATS: Array<[string, string, unknown]> = [
      ["nil", "c0", null],
      ["false", "c2", false],
      ["true", "c3", true],
      ["bin 8", "c403 010203", Buffer.from([1, 2, 3])],
      ["bin 16", "c50003 010203", Buffer.from([1, 2, 3])],
      ["bin 32", "c600000003 010203", Buffer.from([1, 2, 3])],
      ["ext 8 (0x31)", "c70231 3132", 12n],
      ["ext 16 (0x31)", "c8000231 3132", 12n],
      ["ext 32 (0x31)", "c90000000231 3132", 12n],
      ["float 32", "ca3fc00000", 1.5],
      ["float 32 (not exact in 64 bits)", "ca3dcccccd", new Float32Array([0.1])[0]],
      ["float 64", "cb3ff8000000000000", 1.5],
      ["uint 8", "ccff", 255],
      ["uint 16", "cdffff", 65535],
      ["uint 32", "ceffffffff", 2 ** 32 - 1],
      ["uint 64 within 2^53", "cf0020000000000000", 2 ** 53],
      ["uint 64 beyond 2^53", "cf0020000000000001", 2n ** 53n + 1n],
      ["uint 64 max", "cfffffffffffffffff", 2n ** 64n - 1n],
      ["int 8", "d080", -128],
      ["int 16", "d18000", -32768],
      ["int 32", "d280000000", -(2 ** 31)],
      ["int 64 -1", "d3ffffffffffffffff", -1],
      ["int 64 -2^53", "d3ffe0000000000000", -(2 ** 53)],
      ["int 64 beyond -2^53", "d3ffdfffffffffffff", -(2n ** 53n) - 1n],
      ["int 64 min", "d38000000000000000", -(2n ** 63n)],
      ["int 64 positive", "d3000000e8d4a51000", 1e12],
      ["fixext 1 (0x31)", "d43137", 7n],
      ["fixext 2 (0x31)", "d5312d37", -7n],
      ["fixext 4 (0x33)", "d63381460b00", new PyDate(2024, 2, 29)],
      ["fixext 8 (0x32)", "d73200002040fc54d941", new Date(1_700_000_000_500)],
      ["fixext 16 (0x30)", "d830 000000000000f03f 00000000000000c0", new Complex(1, -2)],
      ["str 8", "d903 616263", "abc"],
      ["str 16", "da0003 616263", "abc"],
      ["str 32", "db00000003 616263", "abc"],
      ["str 8 non-ASCII", "d905 68c3a96c6c", "héll"],
      ["array 16", "dc0002 0102", [1, 2]],
      ["array 32", "dd00000002 0102", [1, 2]],
      ["map 16", "de0001 a161 01", { a: 1 }],
      ["map 32", "df00000001 a161 01", { a: 1 }],
    ];
    for (const [label, bytes, expected] of FORMATS) {
      it(label, () => {
        expect(msgpack.decode(hex(bytes))).to.deep.equal(expected);
      });
    }

    it("positive and negative fixints", () => {
      for (let n = 0; n < 0x80; n++) expect(msgpack.decode(Buffer.from([n]))).to.equal(n);
      for (let b = 0xe0; b <= 0xff; b++) expect(msgpack.decode(Buffer.from([b]))).to.equal(b - 0x100);
    });

    it("fixstr of every length, ASCII and not", () => {
      for (let n = 0; n < 32; n++) {
        const ascii = "abcdefghijklmnopqrstuvwxyz012345".slice(0, n);
        expect(msgpack.decode(str(ascii))).to.equal(ascii);
        const wide = "é".repeat(Math.floor(n / 2)) + "x".repeat(n % 2);
        expect(msgpack.decode(str(wide))).to.equal(wide);
      }
    });

    it("fixarray and fixmap of every size", () => {
      for (let n = 0; n < 16; n++) {
        const items = Array.from({ length: n }, (_, i) => i);
        expect(msgpack.decode(Buffer.concat([Buffer.from([0x90 | n]), ...items.map(int)]))).to.deep.equal(items);
        const record = Object.fromEntries(items.map((i) => [`k${i}`, i]));
        expect(msgpack.decode(Buffer.concat([Buffer.from([0x80 | n]), ...items.flatMap((i) => [str(`k${i}`), int(i)])]))).to.deep.equal(record);
      }
    });

    it("refuses 0xc1, the format byte msgpack never uses", () => {
      expect(() => msgpack.decode(hex("c1"))).to.throw(SerializeError, /0xc1 .* never used/);
    });

    it("decodes invalid UTF-8 with replacement characters, as before", () => {
      expect(msgpack.decode(hex("a3 61ff62"))).to.equal("a\ufffdb");
      expect(msgpack.decode(hex("d914" + "ff".repeat(20)))).to.equal("\ufffd".repeat(20));
    });

    it("returns bin as a Buffer over the payload, not a copy", () => {
      const payload = hex("c403010203");
      const value = msgpack.decode(payload) as Buffer;
      expect(Buffer.isBuffer(value)).to.equal(true);
      expect(value.buffer).to.equal(payload.buffer);
    });

    it("turns scalar map keys into their text and refuses other keys", () => {
      expect(msgpack.decode(hex("84 01a161 c3a162 c0a163 cb3ff8000000000000a164"))).to.deep.equal({ 1: "a", true: "b", null: "c", "1.5": "d" });
      expect(msgpack.decode(hex("81 cfffffffffffffffff 01"))).to.deep.equal({ "18446744073709551615": 1 });
      expect(() => msgpack.decode(hex("81 c40161 01"))).to.throw(SerializeError, /key .* is bin/);
      expect(() => msgpack.decode(hex("81 9101 01"))).to.throw(SerializeError, /key .* an array or a map/);
      expect(() => msgpack.decode(hex("81 80 01"))).to.throw(SerializeError, /key .* an array or a map/);
      expect(() => msgpack.decode(hex("81 d73200002040fc54d941 01"))).to.throw(SerializeError, /key .* an ext value/);
    });

    it("keeps the last value of a repeated key, as Python's dict does", () => {
      expect(msgpack.decode(map([str("a"), int(1)], [str("a"), int(2)]))).to.deep.equal({ a: 2 });
    });

    it("decodes what msgpackr encodes, as msgpackr decodes it (plain data, random shapes)", () => {
      const packr = new Packr({ useRecords: false, int64AsType: "auto" as "number" });
      let seed = 12345;
      const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
      const leaf = (): unknown => {
        const pick = Math.floor(random() * 9);
        if (pick === 0) return null;
        if (pick === 1) return random() < 0.5;
        if (pick === 2) return Math.floor(random() * 2 ** 40) - 2 ** 39;
        if (pick === 3) return random() * 1e6 - 5e5;
        if (pick === 4) return "xé€😀".repeat(Math.floor(random() * 30));
        if (pick === 5) return Buffer.from([1, 2, 3].slice(0, Math.floor(random() * 4)));
        if (pick === 6) return -Math.floor(random() * 300);
        if (pick === 7) return "k".repeat(Math.floor(random() * 300));
        return Math.floor(random() * 70000);
      };
      const tree = (depth: number): unknown => {
        const pick = random();
        if (depth > 3 || pick < 0.5) return leaf();
        if (pick < 0.75) return Array.from({ length: Math.floor(random() * 20) }, () => tree(depth + 1));
        return Object.fromEntries(Array.from({ length: Math.floor(random() * 20) }, (_, i) => [`key${i}${"é".repeat(i % 3)}`, tree(depth + 1)]));
      };
      for (let i = 0; i < 300; i++) {
        const bytes = packr.pack(tree(0));
        expect(msgpack.decode(bytes)).to.deep.equal(packr.unpack(bytes));
      }
    });
  });

  describe("malformed payloads", () => {
    it("refuses an empty payload and bytes after the value", () => {
      expect(() => msgpack.decode(Buffer.alloc(0))).to.throw(SerializeError, /empty/);
      expect(() => msgpack.decode(hex("0102"))).to.throw(SerializeError, /1 bytes left after the value/);
    });

    it("throws SerializeError, never another error, for a sample payload cut at every offset", () => {
      const sample = msgpack.encode({
        call: ["obj", "add", [1, -2, 300, 70000, 2 ** 40, -(2 ** 40), 2n ** 60n, 2n ** 70n], { x: 1.5 }],
        text: ["", "a", "héllo wörld", "x".repeat(40), "y".repeat(300)],
        bytes: Buffer.alloc(300, 1),
        values: [null, true, false, new Complex(1, 2), new PyDate(2024, 1, 1), new Date(0)],
        uri: URI.parse("PYRO:obj@localhost:9999"),
        proxy: new ProxyRef({ uri: URI.parse("PYRO:obj@localhost:9999"), methods: ["m"] }),
        error: new RangeError("boom"),
        nested: { a: [{ b: [{ c: {} }] }] },
      });
      expect(msgpack.decode(sample)).to.be.an("object");
      for (let cut = 0; cut < sample.length; cut++) {
        let thrown: unknown;
        try {
          msgpack.decode(sample.subarray(0, cut));
        } catch (error) {
          thrown = error;
        }
        expect(thrown, `cut at ${cut} of ${sample.length}`).to.be.instanceOf(SerializeError);
      }
    });

    it("refuses a declared length beyond the bytes left before allocating anything", () => {
      const cases: Array<[string, RegExp]> = [
        ["ddffffffff", /an array of 4294967295 items .* needs at least 4294967295 bytes, but only 0/],
        ["dfffffffff01", /a map of 4294967295 items .* needs at least 8589934590 bytes, but only 1/],
        ["dcffff", /an array of 65535 items/],
        ["deffff", /a map of 65535 items/],
        ["dbffffffff61", /truncated/],
        ["c6ffffffff61", /truncated/],
        ["c9ffffffff31", /truncated/],
        ["9f01", /an array of 15 items/],
        ["8f01", /a map of 15 items/],
      ];
      for (const [bytes, message] of cases) expect(() => msgpack.decode(hex(bytes)), bytes).to.throw(SerializeError, message);
      // An array that announces more items than bytes follow: 1 item per byte is the most there can be.
      expect(() => msgpack.decode(Buffer.concat([hex("dd00100000"), Buffer.alloc(1000)]))).to.throw(SerializeError, /declared/);
    });
  });

  describe("limits", () => {
    it("refuses nesting deeper than maxDepth and accepts maxDepth levels", () => {
      const nested = (levels: number) => Buffer.concat([Buffer.alloc(levels, 0x91), nil]);
      expect(() => msgpack.decode(nested(DEFAULT_DECODE_LIMITS.maxDepth))).not.to.throw();
      expect(() => msgpack.decode(nested(DEFAULT_DECODE_LIMITS.maxDepth + 1))).to.throw(SerializeError, /nested deeper than 128 levels/);
      expect(() => msgpack.decode(nested(4), limits({ maxDepth: 3 }))).to.throw(SerializeError, /deeper than 3/);
      const maps = Buffer.concat([Buffer.concat(Array.from({ length: 4 }, () => Buffer.concat([Buffer.from([0x81]), str("a")]))), nil]);
      expect(() => msgpack.decode(maps, limits({ maxDepth: 3 }))).to.throw(SerializeError, /deeper than 3/);
      expect(() => msgpack.decode(maps, limits({ maxDepth: 4 }))).not.to.throw();
    });

    it("turns 200,000 levels of nesting into SerializeError without touching the stack", () => {
      expect(() => msgpack.decode(Buffer.concat([Buffer.alloc(200_000, 0x91), nil]))).to.throw(SerializeError, /nested deeper/);
    });

    it("refuses a flood of empty maps once it would cost more than the budget (1 byte each on the wire, ~64 in the heap)", () => {
      const flood = (n: number) => Buffer.concat([hex("dd"), Buffer.from([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]), Buffer.alloc(n, 0x80)]);
      expect(() => msgpack.decode(flood(200_000))).to.throw(SerializeError, /would decode to values of more than/);
      expect(() => msgpack.decode(flood(10_000), { limits: HANDSHAKE_DECODE_LIMITS })).to.throw(SerializeError, /would decode to values of more than/);
      expect((msgpack.decode(flood(10_000)) as unknown[]).length).to.equal(10_000);
    });

    it("admits what legitimate peers send: 100,000 one-column rows, pairs, records, strings, floats", () => {
      const packr = new Packr({ useRecords: false });
      const payloads = [
        Array.from({ length: 100_000 }, (_, i) => [i % 100]),
        Array.from({ length: 100_000 }, (_, i) => [i % 100, 1]),
        Array.from({ length: 50_000 }, (_, i) => ({ a: i % 100 })),
        Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `item ${i}`, price: i * 1.25, tags: ["a", "b"], ok: true })),
        Array.from({ length: 100_000 }, (_, i) => `s${i % 10}`),
        Array.from({ length: 100_000 }, (_, i) => i + 0.5),
      ];
      for (const value of payloads) expect(msgpack.decode(packr.pack(value))).to.deep.equal(value);
    });

    it("caps the budget at maxCost however long the payload (no 40 × 64 MiB for a payload inflated to 64 MiB)", () => {
      const rows = new Packr({ useRecords: false }).pack(Array.from({ length: 100_000 }, (_, i) => [i % 100]));
      expect(() => msgpack.decode(rows, limits({ maxCost: 1024 * 1024 }))).to.throw(SerializeError, /more than 1048576 bytes/);
      expect(() => msgpack.decode(rows, limits({ maxCost: 0 }))).not.to.throw();
      const flood = Buffer.concat([hex("dd04000000"), Buffer.alloc(64 * 1024 * 1024, 0x80)]);
      expect(() => msgpack.decode(flood)).to.throw(SerializeError, `more than ${DEFAULT_DECODE_LIMITS.maxCost} bytes`);
    });

    it("refuses a payload larger than maxBytes", () => {
      expect(() => msgpack.decode(Buffer.alloc(70_000, 0xc0), { limits: HANDSHAKE_DECODE_LIMITS })).to.throw(
        SerializeError,
        /70000 bytes exceeds the decode limit of 65536/,
      );
    });
  });

  describe("ext types", () => {
    it("decodes only Pyro4's ext 0x30–0x33 and names every other type in a SerializeError", () => {
      for (let type = 0; type < 256; type++) {
        const bytes = Buffer.concat([Buffer.from([0xd7, type]), Buffer.alloc(8)]);
        if (type >= 0x30 && type <= 0x33) {
          // Pyro's own types get as far as their own checks (8 zero bytes are no valid 0x30 or 0x31).
          try {
            msgpack.decode(bytes);
          } catch (error) {
            expect(error)
              .to.be.instanceOf(SerializeError)
              .and.not.match(/unsupported msgpack ext type/);
          }
          continue;
        }
        const signed = type > 127 ? type - 256 : type;
        expect(() => msgpack.decode(bytes), `type ${type}`).to.throw(SerializeError, `ext type ${signed} (0x${type.toString(16).padStart(2, "0")})`);
      }
    });

    it("refuses what msgpackr encodes as ext types: RegExp, Set, Error, typed arrays, timestamps, undefined, records", () => {
      const packr = new Packr({ moreTypes: true });
      const values: Array<[string, unknown, number]> = [
        ["RegExp", /(a+)+$/, 0x78],
        ["Set", new Set([1]), 0x73],
        ["Error", new TypeError("t"), 0x65],
        ["Float64Array", new Float64Array([1]), 0x74],
        ["timestamp", new Date(1_700_000_000_500), -1],
        ["undefined", undefined, 0],
      ];
      for (const [label, value, type] of values) {
        expect(() => msgpack.decode(packr.pack(value)), label).to.throw(SerializeError, `ext type ${type} `);
      }
      expect(() => msgpack.decode(new Packr({ useRecords: true }).pack([{ a: 1 }, { a: 2 }])), "records").to.throw(
        SerializeError,
        /ext type|never used|bytes left/,
      );
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      expect(() => msgpack.decode(new Packr({ structuredClone: true }).pack(cyclic)), "structured clone").to.throw(SerializeError, /ext type 105 \(0x69\)/);
    });

    it("refuses malformed Pyro4 ext values and integers of more than 4300 digits", () => {
      expect(() => msgpack.decode(hex("d43000"))).to.throw(SerializeError, /complex \(ext 0x30\): expected 16 bytes/);
      expect(() => msgpack.decode(hex("d43200"))).to.throw(SerializeError, /datetime \(ext 0x32\): expected 8 bytes/);
      expect(() => msgpack.decode(hex("d5330000"))).to.throw(SerializeError, /date \(ext 0x33\): expected 4 or 8 bytes/);
      expect(() => msgpack.decode(hex("d733ffffffffffffff7f"))).to.throw(SerializeError, /date \(ext 0x33\)/);
      const digits = (n: number) =>
        Buffer.concat([hex("c9"), Buffer.from([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff, 0x31]), Buffer.alloc(n, 0x37)]);
      expect(msgpack.decode(digits(4300))).to.equal(BigInt("7".repeat(4300)));
      expect(() => msgpack.decode(digits(100_000))).to.throw(SerializeError, /exceeds the limit of 4300 digits/);
    });
  });

  describe("class dicts and proxies", () => {
    it("revives a proxy through the context's reviveProxy; without one it stays an inert reference", () => {
      const seen: ProxyRef[] = [];
      const revived = msgpack.decode(array(PROXY_DICT), { limits: DEFAULT_DECODE_LIMITS, reviveProxy: (ref) => (seen.push(ref), "revived") });
      expect(revived).to.deep.equal(["revived"]);
      expect(seen[0]!.uri.toString()).to.equal("PYRO:obj@127.0.0.1:9999");
      expect(msgpack.decode(PROXY_DICT, DEFAULT_DECODE_CONTEXT)).to.be.instanceOf(ProxyRef);
    });

    it("revives bottom-up: an exception's args and a wrapper's exception are revived before their own dict", () => {
      const error = map(
        [str("__class__"), str("builtins.ValueError")],
        [str("__exception__"), Buffer.from([0xc3])],
        [str("args"), array(PROXY_DICT)],
        [str("attributes"), map()],
      );
      const value = msgpack.decode(error, { limits: DEFAULT_DECODE_LIMITS, reviveProxy: () => "revived" }) as RemoteError;
      expect(value).to.be.instanceOf(RemoteError);
      expect(value.args).to.deep.equal(["revived"]);
    });

    it("never converts a decoded value to text: odd __class__ values and proxies in exception args", () => {
      const { proxy, traps } = tracker();
      const context: DecodeContext = { limits: DEFAULT_DECODE_LIMITS, reviveProxy: () => proxy };
      const odd: Array<[Buffer, RegExp | typeof SecurityError]> = [
        [map([str("__class__"), PROXY_DICT]), /unsupported serialized class: an object/],
        [map([str("__class__"), map([str("a"), int(1)])]), /unsupported serialized class: an object/],
        [map([str("__class__"), array(int(1), int(2))]), /unsupported serialized class: an array of 2/],
        [map([str("__class__"), nil]), /unsupported serialized class: nil/],
        [map([str("__class__"), int(42)]), /unsupported serialized class: 42/],
        [map([str("__class__"), hex("c40161")]), /unsupported serialized class: an object/],
      ];
      for (const [bytes, expected] of odd) {
        expect(() => msgpack.decode(bytes, context)).to.throw(SerializeError, expected as RegExp);
      }
      const error = map(
        [str("__class__"), str("builtins.ValueError")],
        [str("__exception__"), Buffer.from([0xc3])],
        [str("args"), array(PROXY_DICT, str("text"), array(PROXY_DICT))],
        [str("attributes"), map([str("p"), PROXY_DICT])],
      );
      const decoded = msgpack.decode(error, context) as RemoteError;
      expect(decoded.message).to.equal("(<object>, 'text', [<object>])");
      const pyro = map([str("__class__"), str("Pyro4.errors.NamingError")], [str("__exception__"), Buffer.from([0xc3])], [str("args"), array(PROXY_DICT)]);
      expect((msgpack.decode(pyro, context) as Error).message).to.equal("<object>");
      expect(traps, "traps hit on the decoded proxy").to.deep.equal([]);
    });

    it("refuses class names with double underscores with SecurityError, as Pyro4", () => {
      expect(() => msgpack.decode(map([str("__class__"), str("os.__builtins__")]))).to.throw(SecurityError);
    });
  });
});

describe("msgpack decoding of a payload that is one scalar (read without the reader)", () => {
  /** The same bytes as the only item of an array, which the general reader decodes. */
  const inArray = (payload: Buffer): unknown => (msgpack.decode(Buffer.concat([Buffer.from([0x91]), payload])) as unknown[])[0];

  it("gives what the reader gives for every 1-byte payload", () => {
    for (let byte = 0; byte < 256; byte++) {
      const payload = Buffer.from([byte]);
      let general: unknown;
      try {
        general = inArray(payload);
      } catch {
        // Not a whole value in one byte (a length or a tag without its data): refused either way.
        expect(() => msgpack.decode(payload), `byte ${byte.toString(16)}`).to.throw(SerializeError);
        continue;
      }
      expect(msgpack.decode(payload), `byte ${byte.toString(16)}`).to.deep.equal(general);
    }
  });

  it("gives what the reader gives for ints of 8, 16 and 32 bits and float64, and refuses them truncated", () => {
    const payloads = ["cc00", "ccff", "d080", "d07f", "cd0100", "cdffff", "d18000", "d1ff7f", "ce00010000", "ceffffffff", "d280000000", "d2ffff7fff"];
    payloads.push(
      "cb3ff8000000000000",
      "cbfff0000000000000",
      "cb7ff8000000000000",
      "cb8000000000000000",
      "ca3fc00000",
      "cf0000000100000000",
      "d3ffffffff00000000",
    );
    for (const text of payloads) {
      const payload = hex(text);
      expect(msgpack.decode(payload), text).to.deep.equal(inArray(payload));
      expect(() => msgpack.decode(payload.subarray(0, -1)), `${text} truncated`).to.throw(SerializeError);
    }
    expect(Object.is(msgpack.decode(hex("cb8000000000000000")), -0)).to.equal(true);
    expect(msgpack.decode(hex("cb7ff8000000000000"))).to.be.NaN;
  });
});
