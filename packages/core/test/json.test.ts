import { expect } from "chai";
import { RemoteError, SerializeError, URI, jsonSerializer as json } from "@pyrots/core/internal";

const text = (buffer: Buffer): string => buffer.toString("utf8");
const parse = (source: string): unknown => json.decode(Buffer.from(source));

// Generated once with /usr/bin/python3: Pyro4.util.JsonSerializer().dumpsCall("calc", "inc", (41, nan, inf, -inf, 2**70), {"k": "v"})
const PYTHON_CALL = '{"object": "calc", "method": "inc", "params": [41, NaN, Infinity, -Infinity, 1180591620717411303424], "kwargs": {"k": "v"}}';

describe("json serializer", () => {
  it("has Pyro4's id and name", () => {
    expect(json.id).to.equal(2);
    expect(json.name).to.equal("json");
  });

  it("encodes a call as Pyro4's {object, method, params, kwargs}", () => {
    expect(JSON.parse(text(json.encodeCall("calc", "inc", [41], {})))).to.deep.equal({ object: "calc", method: "inc", params: [41], kwargs: {} });
    expect(JSON.parse(text(json.encodeCall("calc", "__getattr__", ["v"], null)))).to.deep.include({ kwargs: null });
  });

  it("decodes Python's call text including NaN and Infinity literals", () => {
    const call = json.decodeCall(Buffer.from(PYTHON_CALL));
    expect(call.object).to.equal("calc");
    expect(call.method).to.equal("inc");
    expect(call.args.slice(0, 4)).to.deep.equal([41, NaN, Infinity, -Infinity]);
    expect(call.kwargs).to.deep.equal({ k: "v" });
  });

  it("decodes a call with kwargs null", () => {
    expect(json.decodeCall(Buffer.from('{"object": "o", "method": "__getattr__", "params": ["x"], "kwargs": null}')).kwargs).to.equal(null);
  });

  it("rejects malformed calls with a clear SerializeError", () => {
    expect(() => json.decodeCall(Buffer.from("[1,2,3,4]"))).to.throw(SerializeError, /expected a JSON object/);
    expect(() => json.decodeCall(Buffer.from('{"object": 1, "method": "m", "params": [], "kwargs": {}}'))).to.throw(
      SerializeError,
      /object id must be a string/,
    );
    expect(() => json.decodeCall(Buffer.from('{"object": "o", "method": "m", "kwargs": {}}'))).to.throw(SerializeError, /args must be an array/);
    expect(() => json.decodeCall(Buffer.from('{"object": "o", "method": "m", "params": [], "kwargs": 3}'))).to.throw(
      SerializeError,
      /kwargs must be a map or nil/,
    );
  });

  it("writes NaN, Infinity and -Infinity as Python's literals and reads them back", () => {
    expect(text(json.encode([NaN, Infinity, -Infinity, 1.5]))).to.equal("[NaN,Infinity,-Infinity,1.5]");
    expect(json.decode(json.encode({ x: [NaN, { y: -Infinity }] }))).to.deep.equal({ x: [NaN, { y: -Infinity }] });
  });

  it("writes bigints as integer text", () => {
    expect(text(json.encode({ n: 2n ** 70n }))).to.equal('{"n":1180591620717411303424}');
  });

  it("sends bytes as Pyro's base64 dict and reads that dict back as a Buffer", () => {
    expect(JSON.parse(text(json.encode({ b: Buffer.from("hi"), u: new Uint8Array([1]) })))).to.deep.equal({
      b: { data: "aGk=", encoding: "base64" },
      u: { data: "AQ==", encoding: "base64" },
    });
    const decoded = parse('{"b": {"data": "aGk=", "encoding": "base64"}, "other": {"data": "x", "encoding": "base64", "more": 1}}') as Record<string, unknown>;
    expect(Buffer.isBuffer(decoded.b)).to.equal(true);
    expect((decoded.b as Buffer).toString()).to.equal("hi");
    expect(decoded.other).to.deep.equal({ data: "x", encoding: "base64", more: 1 });
  });

  it("sends Maps as objects, Sets as arrays and Dates as ISO text", () => {
    expect(JSON.parse(text(json.encode([new Map([["a", 1]]), new Set([1, 2]), new Date(0)])))).to.deep.equal([{ a: 1 }, [1, 2], "1970-01-01T00:00:00.000Z"]);
  });

  it("sends URIs and Errors as Pyro4 class dicts, and reads them back", () => {
    const decoded = json.decode(json.encode([URI.parse("PYRO:x@h:1"), new TypeError("t")])) as unknown[];
    expect((decoded[0] as URI).toString()).to.equal("PYRO:x@h:1");
    expect((decoded[1] as RemoteError).remoteType).to.equal("builtins.TypeError");
  });

  it("reads class dict keys spelled with \\u escapes", () => {
    expect(() => parse('{"\\u005f_class__": "foo.Bar"}')).to.throw(SerializeError, "unsupported serialized class: foo.Bar");
  });

  it("supports reserve bytes in front of the text", () => {
    const plain = json.encode({ a: "é" });
    const reserved = json.encode({ a: "é" }, 24);
    expect(reserved.length).to.equal(plain.length + 24);
    expect(reserved.subarray(24).equals(plain)).to.equal(true);
    expect(
      json
        .encodeCall("o", "m", [], {}, 3)
        .subarray(3)
        .equals(json.encodeCall("o", "m", [], {})),
    ).to.equal(true);
  });

  it("rejects invalid text with SerializeError", () => {
    for (const bad of ["{", "[1,]", "nan", "{'a': 1}", "[1] 2", ""]) {
      expect(() => parse(bad), bad).to.throw(SerializeError, /invalid json data/);
    }
  });

  it("wraps unserializable values in SerializeError", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => json.encode(cyclic)).to.throw(SerializeError);
    expect(() => json.encode([cyclic, NaN])).to.throw(SerializeError);
  });
});

describe("json integers beyond 2^53", () => {
  it("decodes them exactly, as bigint, and encodes bigint back as integer text", () => {
    const text = Buffer.from('{"big": 9223372036854775807, "neg": -9223372036854775808, "safe": 9007199254740991, "f": 1.5}');
    const value = json.decode(text) as Record<string, unknown>;
    expect(value).to.deep.equal({ big: 9223372036854775807n, neg: -9223372036854775808n, safe: 9007199254740991, f: 1.5 });
    expect(json.encode(value).toString()).to.equal('{"big":9223372036854775807,"neg":-9223372036854775808,"safe":9007199254740991,"f":1.5}');
  });
});
