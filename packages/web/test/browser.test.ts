/**
 * The browser modules' pure parts, in Node: the value mapping of the client and the console's
 * fleets.
 */
import { expect } from "chai";
import { fleetsOf, fromJsonText, toJsonText } from "@pyrots/web/client";

/** The client's nesting bound (browser/wire.ts). */
const MAX_DEPTH = 512;

describe("browser client: values", () => {
  it("writes values as pyrots' json serializer does", () => {
    expect(toJsonText([new Uint8Array([0, 255]), 2n ** 64n, NaN, -Infinity, new Date(0), new Map([[1, new Set(["a"])]]), undefined, () => 1])).to.equal(
      '[{"data":"AP8=","encoding":"base64"},18446744073709551616,NaN,-Infinity,"1970-01-01T00:00:00.000Z",{"1":["a"]},null,null]',
    );
    expect(toJsonText({ a: undefined, b: { toJSON: () => "b" } })).to.equal('{"b":"b"}');
    let deep: unknown = 1;
    for (let i = 0; i <= MAX_DEPTH + 1; i++) deep = [deep];
    expect(() => toJsonText(deep)).to.throw(RangeError);
  });

  it("reads Python's literals, big integers and bytes, and nothing else as special", () => {
    expect(fromJsonText('[NaN, Infinity, -Infinity, 9007199254740993, {"data": "AAE=", "encoding": "base64"}]')).to.deep.equal([
      NaN,
      Infinity,
      -Infinity,
      9007199254740993n,
      new Uint8Array([0, 1]),
    ]);
    expect(fromJsonText('{"data": "AAE=", "encoding": "base64", "more": 1}')).to.deep.equal({ data: "AAE=", encoding: "base64", more: 1 });
    const proto = fromJsonText('{"__proto__": {"x": 1}, "n": 12345678901234567890}') as Record<string, unknown>;
    expect(Object.keys(proto)).to.deep.equal(["__proto__", "n"]);
    expect(({} as Record<string, unknown>).x).to.equal(undefined);
    expect(() => fromJsonText(`${"[".repeat(MAX_DEPTH + 2)}1${"]".repeat(MAX_DEPTH + 2)}, 12345678901234567`)).to.throw(SyntaxError);
    expect(() => fromJsonText("[1,")).to.throw(SyntaxError);
  });
});

describe("console: fleets", () => {
  it("groups names by prefix and by tag, two members at least", () => {
    const entry = (name: string, metadata: string[] = []) => ({ name, uri: `PYRO:${name}@h:1`, metadata });
    const fleets = fleetsOf([entry("a.w.1", ["worker"]), entry("a.w.2", ["worker", "x"]), entry("a.single"), entry("b.w.1", ["worker"]), entry("top")]);
    expect(fleets).to.deep.equal([
      { id: "prefix:a.w", label: "a.w.*", by: "prefix", members: ["a.w.1", "a.w.2"] },
      { id: "tag:worker", label: "worker", by: "tag", members: ["a.w.1", "a.w.2", "b.w.1"] },
    ]);
  });
});
