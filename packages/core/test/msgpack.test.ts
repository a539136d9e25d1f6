import { expect } from "chai";
import {
  Complex,
  DaemonPlaceholder,
  ExceptionWrapper,
  ProxyRef,
  PyDate,
  RemoteError,
  SerializeError,
  URI,
  createProxy,
  defaultConfig,
  isProxy,
  msgpackSerializer as msgpack,
  refFor,
  settingsFromConfig,
} from "@pyrots/core/internal";
import { Packr, unpack as plainUnpack } from "msgpackr";

const hex = (text: string): Buffer => Buffer.from(text, "hex");

// Generated once with /usr/bin/python3: Pyro4.util.MsgpackSerializer().dumps(value).hex()
const PYTHON_BYTES: Array<[string, unknown, string]> = [
  ["0", 0, "00"],
  ["127", 127, "7f"],
  ["128", 128, "cc80"],
  ["255", 255, "ccff"],
  ["256", 256, "cd0100"],
  ["65535", 65535, "cdffff"],
  ["65536", 65536, "ce00010000"],
  ["2^32-1", 2 ** 32 - 1, "ceffffffff"],
  ["2^32", 2 ** 32, "cf0000000100000000"],
  ["2^40", 2 ** 40, "cf0000010000000000"],
  ["-1", -1, "ff"],
  ["-32", -32, "e0"],
  ["-33", -33, "d0df"],
  ["-128", -128, "d080"],
  ["-129", -129, "d1ff7f"],
  ["-32768", -32768, "d18000"],
  ["-32769", -32769, "d2ffff7fff"],
  ["-2^31", -(2 ** 31), "d280000000"],
  ["-2^31-1", -(2 ** 31) - 1, "d3ffffffff7fffffff"],
  ["-2^40", -(2 ** 40), "d3ffffff0000000000"],
  ["2^53-1", 2 ** 53 - 1, "cf001fffffffffffff"],
  ["-(2^53-1)", -(2 ** 53 - 1), "d3ffe0000000000001"],
  ["2^63-1 (bigint)", 2n ** 63n - 1n, "cf7fffffffffffffff"],
  ["2^64-1 (bigint)", 2n ** 64n - 1n, "cfffffffffffffffff"],
  ["-2^63 (bigint)", -(2n ** 63n), "d38000000000000000"],
  ["2^70 (bigint, ext 0x31)", 2n ** 70n, "c7163131313830353931363230373137343131333033343234"],
  ["1.5", 1.5, "cb3ff8000000000000"],
  ["NaN", NaN, "cb7ff8000000000000"],
  ["Infinity", Infinity, "cb7ff0000000000000"],
  ["-Infinity", -Infinity, "cbfff0000000000000"],
  ["-0.25", -0.25, "cbbfd0000000000000"],
  ["str", "héllo", "a668c3a96c6c6f"],
  ["empty str", "", "a0"],
  ["str8", "x".repeat(40), "d928" + "78".repeat(40)],
  ["nil", null, "c0"],
  ["true", true, "c3"],
  ["false", false, "c2"],
  ["nested", [1, [2, { a: 3 }]], "9201920281a16103"],
  ["bytes", { x: Buffer.from([1, 2, 3]) }, "81a178c403010203"],
  ["complex", new Complex(1, -2), "d830000000000000f03f00000000000000c0"],
  ["date", new PyDate(2024, 2, 29), "d73381460b0000000000"],
  [
    "URI",
    URI.parse("PYRO:obj@localhost:9999"),
    "82a95f5f636c6173735f5fae5079726f342e636f72652e555249a5737461746595a45059524fa36f626ac0a96c6f63616c686f7374cd270f",
  ],
  ["IPv6 URI", URI.parse("PYRO:obj@[::1]:5555"), "82a95f5f636c6173735f5fae5079726f342e636f72652e555249a5737461746595a45059524fa36f626ac0a33a3a31cd15b3"],
  [
    "unix URI",
    URI.parse("PYRO:x@./u:/tmp/s.sock"),
    "82a95f5f636c6173735f5fae5079726f342e636f72652e555249a5737461746595a45059524fa178ab2f746d702f732e736f636bc0c0",
  ],
  [
    "PYRONAME URI",
    URI.parse("PYRONAME:my.name@host"),
    "82a95f5f636c6173735f5fae5079726f342e636f72652e555249a5737461746595a85059524f4e414d45a76d792e6e616d65c0a4686f7374cd2382",
  ],
];

const PYTHON_PROXY =
  "82a95f5f636c6173735f5fb05079726f342e636f72652e50726f7879a5737461746599b95059524f3a63616c63403132372e302e302e313a333438333491a46669726591a46669726591a576616c7565cb0000000000000000ac6236343a6332566a636d5630a568656c6c6f00c0";
const PYTHON_EXCEPTION =
  "84a95f5f636c6173735f5fb36275696c74696e732e56616c75654572726f72ad5f5f657863657074696f6e5f5fc3a46172677391a4626f6f6daa6174747269627574657381a56578747261a461747472";
const PYTHON_NAMING_ERROR =
  "84a95f5f636c6173735f5fb85079726f342e6572726f72732e4e616d696e674572726f72ad5f5f657863657074696f6e5f5fc3a46172677391af756e6b6e6f776e206e616d653a2078aa6174747269627574657380";

describe("msgpack serializer", () => {
  it("has Pyro4's id and name", () => {
    expect(msgpack.id).to.equal(6);
    expect(msgpack.name).to.equal("msgpack");
  });

  describe("encodes byte for byte as Python's Pyro4 msgpack serializer", () => {
    for (const [label, value, expected] of PYTHON_BYTES) {
      it(label, () => {
        expect(msgpack.encode(value).toString("hex")).to.equal(expected);
      });
    }
  });

  describe("decodes what Python sends", () => {
    for (const [label, value, bytes] of PYTHON_BYTES) {
      it(label, () => {
        const decoded = msgpack.decode(hex(bytes));
        if (value instanceof URI) expect((decoded as URI).equals(value)).to.equal(true);
        else if (typeof value === "bigint" && value <= 2n ** 53n && value >= -(2n ** 53n)) expect(decoded).to.equal(Number(value));
        else expect(decoded).to.deep.equal(value);
      });
    }

    it("keeps integers beyond 2^53 exact as bigint and smaller int64 values as numbers", () => {
      expect(msgpack.decode(hex("cf0020000000000001"))).to.equal(2n ** 53n + 1n);
      expect(msgpack.decode(hex("d3ffdfffffffffffff"))).to.equal(-(2n ** 53n) - 1n);
      expect(msgpack.decode(hex("cf0000010000000000"))).to.equal(2 ** 40);
    });

    it("reads a naive datetime (ext 0x32) as a Date", () => {
      const date = msgpack.decode(hex("d73200002040fc54d941")) as Date;
      expect(date).to.be.instanceOf(Date);
      expect(date.getTime()).to.equal(1_700_000_000_500);
    });

    it("reads a date ordinal (ext 0x33) in 8 and in 4 bytes", () => {
      expect(msgpack.decode(hex("d73381460b0000000000"))).to.deep.equal(new PyDate(2024, 2, 29));
      expect(msgpack.decode(hex("d63381460b00"))).to.deep.equal(new PyDate(2024, 2, 29));
      expect(new PyDate(2024, 2, 29).toOrdinal()).to.equal(738945);
      expect(PyDate.fromOrdinal(1).toString()).to.equal("0001-01-01");
      expect(new PyDate(2024, 2, 29).toDate().toISOString()).to.equal("2024-02-29T00:00:00.000Z");
    });

    it("reads a big number (ext 0x31) as bigint when integral and as number otherwise", () => {
      expect(msgpack.decode(hex("d5313132"))).to.equal(12n);
      expect(msgpack.decode(hex("c703312e3235"))).to.equal(0.25);
      expect(msgpack.decode(hex("c702312d37"))).to.equal(-7n);
      expect(() => msgpack.decode(hex("c703317a7a7a"))).to.throw(SerializeError, /ext 0x31/);
    });

    it("reads a complex (ext 0x30)", () => {
      const value = msgpack.decode(hex("d830000000000000f03f00000000000000c0")) as Complex;
      expect(value).to.be.instanceOf(Complex);
      expect(value).to.deep.include({ real: 1, imag: -2 });
      expect(value.toString()).to.equal("(1-2j)");
    });

    it("reads a proxy by value into inert data, or into a live proxy through the endpoint's reviver", () => {
      expect(msgpack.decode(hex(PYTHON_PROXY))).to.be.instanceOf(ProxyRef);
      const settings = settingsFromConfig(defaultConfig);
      const proxy = msgpack.decode(hex(PYTHON_PROXY), { limits: settings.decodeLimits, reviveProxy: (r) => createProxy(r, settings) }) as object;
      expect(isProxy(proxy)).to.equal(true);
      const ref = refFor(proxy);
      expect(ref).to.be.instanceOf(ProxyRef);
      expect(ref.uri.toString()).to.equal("PYRO:calc@127.0.0.1:34834");
      expect(ref).to.deep.include({ oneway: ["fire"], methods: ["fire"], attrs: ["value"], timeout: 0, handshake: "hello", maxRetries: 0, serializer: null });
      expect(ref.hmacKey?.toString()).to.equal("secret");
      // Python sends the timeout as float 0.0; we send integer 0, which Python reads the same.
      expect(msgpack.encode(ref).toString("hex")).to.equal(PYTHON_PROXY.replace("cb0000000000000000", "00"));
    });

    it("reads a daemon by value into a placeholder", () => {
      const value = msgpack.decode(msgpack.encode({ __class__: "Pyro4.core.Daemon", state: [] }));
      expect(value).to.be.instanceOf(DaemonPlaceholder);
      expect(msgpack.decode(msgpack.encode(value))).to.be.instanceOf(DaemonPlaceholder);
    });

    it("reads a Python exception with custom attributes into a RemoteError", () => {
      const error = msgpack.decode(hex(PYTHON_EXCEPTION)) as RemoteError;
      expect(error).to.be.instanceOf(RemoteError);
      expect(error).to.deep.include({ remoteType: "builtins.ValueError", message: "boom", args: ["boom"], attributes: { extra: "attr" } });
    });

    it("reads a Pyro4.errors exception into the matching pyrots class", async () => {
      const { NamingError } = await import("@pyrots/core/internal");
      const error = msgpack.decode(hex(PYTHON_NAMING_ERROR));
      expect(error).to.be.instanceOf(NamingError);
      expect((error as Error).message).to.equal("unknown name: x");
    });

    it("rejects unknown ext types and truncated or trailing data with SerializeError", () => {
      expect(() => msgpack.decode(hex("d40700"))).to.throw(SerializeError);
      expect(() => msgpack.decode(hex("c70134"))).to.throw(SerializeError);
      expect(() => msgpack.decode(hex("9201"))).to.throw(SerializeError);
      expect(() => msgpack.decode(hex("0102"))).to.throw(SerializeError);
      expect(() => msgpack.decode(hex("d8300000"))).to.throw(SerializeError);
    });
  });

  describe("encoding JS-only values", () => {
    it("sends a Date as ext 0x32 seconds, not as a msgpack timestamp", () => {
      expect(msgpack.encode(new Date(1_700_000_000_500)).toString("hex")).to.equal("d73200002040fc54d941");
      expect(() => msgpack.encode(new Date(NaN))).to.throw(SerializeError, /invalid Date/);
    });

    it("sends small bigints in their smallest form, like Python ints", () => {
      expect(msgpack.encode(5n).toString("hex")).to.equal("05");
      expect(msgpack.encode(-200n).toString("hex")).to.equal("d1ff38");
    });

    it("sends Buffers and Uint8Arrays as bin", () => {
      expect(msgpack.encode(new Uint8Array([9])).toString("hex")).to.equal("c40109");
    });

    it("sends undefined as nil and Sets as arrays and Maps as maps", () => {
      expect(msgpack.encode([undefined]).toString("hex")).to.equal("91c0");
      expect(msgpack.encode(new Set([1, 2])).toString("hex")).to.equal("920102");
      expect(msgpack.encode(new Map([["a", 2 ** 40]])).toString("hex")).to.equal("81a161cf0000010000000000");
    });

    it("replaces large integers deep inside objects, arrays, maps and class instances", () => {
      class Point {
        x = 2 ** 33;
        y = 1;
      }
      const value = { list: [1, { deep: [2 ** 34] }], point: new Point(), keep: "same" };
      expect(msgpack.decode(msgpack.encode(value))).to.deep.equal({ list: [1, { deep: [2 ** 34] }], point: { x: 2 ** 33, y: 1 }, keep: "same" });
      expect(msgpack.encode({ n: 2 ** 40 }).toString("hex")).to.equal("81a16ecf0000010000000000");
      expect(value.list[1]).to.deep.equal({ deep: [2 ** 34] }, "the input is not modified");
    });

    it("sends Errors nested in a value as Pyro4 exception dicts", () => {
      const decoded = msgpack.decode(msgpack.encode({ failures: [new RangeError("too big")] })) as { failures: RemoteError[] };
      expect(decoded.failures[0]).to.be.instanceOf(RemoteError);
      expect(decoded.failures[0]).to.deep.include({ remoteType: "builtins.ValueError", args: ["too big"] });
    });

    it("sends an ExceptionWrapper as Pyro4's _ExceptionWrapper dict", () => {
      const bytes = msgpack.encode([2, new ExceptionWrapper(new TypeError("no"))]);
      const raw = plainUnpack(bytes) as unknown[];
      expect(raw[1]).to.deep.include({ __class__: "Pyro4.futures._ExceptionWrapper" });
      const decoded = msgpack.decode(bytes) as unknown[];
      expect(decoded[1]).to.be.instanceOf(ExceptionWrapper);
      expect((decoded[1] as ExceptionWrapper).error).to.be.instanceOf(RemoteError);
    });

    it("uses toJSON of other classes", () => {
      class Big {
        toJSON() {
          return { big: 2 ** 36 };
        }
      }
      const value = new Big();
      class Money {
        toJSON() {
          return "12.50 EUR";
        }
      }
      expect(msgpack.decode(msgpack.encode([value, new Money()]))).to.deep.equal([{ big: 2 ** 36 }, "12.50 EUR"]);
    });

    it("wraps unserializable values in SerializeError", () => {
      const cyclic: unknown[] = [];
      cyclic.push(cyclic);
      expect(() => msgpack.encode(cyclic)).to.throw(SerializeError);
      expect(() => msgpack.encode(Symbol("s"))).to.throw(SerializeError);
    });
  });

  describe("calls", () => {
    it("encodes a call as [object, method, args, kwargs] exactly as Pyro4", () => {
      expect(msgpack.encodeCall("calc", "inc", [41], {}).toString("hex")).to.equal("94a463616c63a3696e63912980");
      expect(msgpack.encodeCall("calc", "__getattr__", ["value"], null).toString("hex")).to.equal("94a463616c63ab5f5f676574617474725f5f91a576616c7565c0");
    });

    it("decodes calls with kwargs map or nil", () => {
      expect(msgpack.decodeCall(hex("94a463616c63a3696e63912980"))).to.deep.equal({ object: "calc", method: "inc", args: [41], kwargs: {} });
      expect(msgpack.decodeCall(hex("94a463616c63ab5f5f676574617474725f5f91a576616c7565c0"))).to.deep.include({ kwargs: null });
    });

    it("rejects malformed calls with a clear SerializeError", () => {
      const bad: Array<[unknown, RegExp]> = [
        [{ a: 1 }, /expected a 4-element array/],
        [["calc", "inc", []], /expected a 4-element array .* got an array of 3/],
        [[1, "inc", [], {}], /object id must be a string/],
        [["calc", null, [], {}], /method name must be a string/],
        [["calc", "inc", "x", {}], /args must be an array/],
        [["calc", "inc", [], [1]], /kwargs must be a map or nil/],
      ];
      for (const [value, message] of bad) {
        expect(() => msgpack.decodeCall(new Packr({ useRecords: false }).pack(value)), JSON.stringify(value)).to.throw(SerializeError, message);
      }
    });

    it("decodes a call with trailing bytes, truncated or with a refused item as the general decoder refuses it", () => {
      const call = hex("94a463616c63a3696e63912980");
      expect(() => msgpack.decodeCall(Buffer.concat([call, hex("c0")]))).to.throw(SerializeError, "1 bytes left after the value");
      expect(() => msgpack.decodeCall(call.subarray(0, 7))).to.throw(SerializeError, /truncated/);
      // Trailing bytes are reported before what the items are, as `checkCall(decode(...))` does.
      expect(() => msgpack.decodeCall(hex("9401a3696e63912980c0"))).to.throw(SerializeError, "1 bytes left after the value");
    });

    it("gives every call with an empty kwargs map the same frozen empty object", () => {
      const first = msgpack.decodeCall(hex("94a463616c63a3696e63912980"));
      const second = msgpack.decodeCall(hex("94a463616c63a3696e63912a80"));
      expect(first.kwargs).to.equal(second.kwargs);
      expect(Object.isFrozen(first.kwargs)).to.equal(true);
      expect(second.args).to.deep.equal([42]);
    });

    it("refuses class dicts inside call arguments as Pyro4 does", () => {
      const payload = msgpack.encodeCall("calc", "inc", [{ __class__: "foo.Bar" }], {});
      expect(() => msgpack.decodeCall(payload)).to.throw(SerializeError, "unsupported serialized class: foo.Bar");
    });
  });

  describe("scalar payloads", () => {
    it("writes integers, booleans and nil byte for byte as msgpackr does, after the reserved room", () => {
      const packr = new Packr({ useRecords: false, encodeUndefinedAsNil: true, variableMapSize: true });
      const edges = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0xffffffff, -1, -0x20, -0x21, -0x80, -0x81, -0x8000, -0x8001, -0x80000000];
      for (const value of [...edges, true, false, null]) {
        const expected = Buffer.from(packr.pack(value)).toString("hex");
        expect(msgpack.encode(value).toString("hex"), String(value)).to.equal(expected);
        expect(msgpack.encode(value, 24).subarray(24).toString("hex"), `${value} after 24 reserved bytes`).to.equal(expected);
      }
      expect(msgpack.encode(undefined).toString("hex")).to.equal("c0");
    });

    it("writes −0 and integers beyond 32 bits in the prepare walk's forms, floats as float64", () => {
      expect(msgpack.encode(-0).toString("hex")).to.equal("cb8000000000000000");
      expect(msgpack.encode(1.5).toString("hex")).to.equal("cb3ff8000000000000");
      expect(msgpack.encode(2 ** 32).toString("hex")).to.equal("cf0000000100000000");
      expect(msgpack.encode(-(2 ** 31) - 1).toString("hex")).to.equal("d3ffffffff7fffffff");
    });
  });

  describe("reserve", () => {
    it("leaves `reserve` free bytes in front of the payload", () => {
      const plain = msgpack.encode({ a: [1, 2, 3] });
      for (const reserve of [1, 24, 255]) {
        const buffer = msgpack.encode({ a: [1, 2, 3] }, reserve);
        expect(buffer.length).to.equal(plain.length + reserve);
        expect(buffer.subarray(reserve).equals(plain)).to.equal(true);
        const call = msgpack.encodeCall("o", "m", [1], {}, reserve);
        expect(call.subarray(reserve).equals(msgpack.encodeCall("o", "m", [1], {}))).to.equal(true);
      }
    });

    it("rejects a reserve outside 0..255", () => {
      expect(() => msgpack.encode(1, 256)).to.throw(RangeError);
      expect(() => msgpack.encode(1, -1)).to.throw(RangeError);
    });

    it("returns buffers that later encodes do not overwrite", () => {
      const first = msgpack.encode("first", 8);
      const copy = Buffer.from(first);
      for (let i = 0; i < 2000; i++) msgpack.encode({ i, text: "x".repeat(50) }, 8);
      expect(first.equals(copy)).to.equal(true);
    });
  });

  it("leaves other msgpackr users unaffected by our ext types", () => {
    expect(() => plainUnpack(hex("d830000000000000f03f00000000000000c0"))).to.throw(/Unknown extension/);
    expect(plainUnpack(new Packr({ useRecords: false }).pack(new Date(1000)))).to.deep.equal(new Date(1000));
  });
});
