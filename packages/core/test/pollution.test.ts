import { expect } from "chai";
import { RemoteError, jsonSerializer, msgpackSerializer, type Serializer } from "@pyrots/core/internal";

/** Minimal msgpack writer for hostile payloads (keys our own encoder would never emit). */
function mp(value: unknown): Buffer {
  if (value === true) return Buffer.from([0xc3]);
  if (typeof value === "number") return Buffer.from([value]);
  if (typeof value === "string") {
    const bytes = Buffer.from(value);
    return Buffer.concat([Buffer.from([0xa0 | bytes.length]), bytes]);
  }
  if (value instanceof Map) {
    return Buffer.concat([Buffer.from([0x80 | value.size]), ...[...value].flatMap(([k, v]) => [mp(k), mp(v)])]);
  }
  if (Array.isArray(value)) return Buffer.concat([Buffer.from([0x90 | value.length]), ...value.map(mp)]);
  throw new Error("unsupported in test writer");
}
const map = (...pairs: Array<[string, unknown]>): Map<string, unknown> => new Map(pairs);

const HOSTILE_MSGPACK: Array<[string, Buffer]> = [
  ["top-level __proto__", mp(map(["__proto__", map(["polluted", true])]))],
  ["nested __proto__", mp([map(["a", map(["__proto__", map(["polluted", true])])])])],
  ["constructor.prototype", mp(map(["constructor", map(["prototype", map(["polluted", true])])]))],
  ["__proto__ beside a class dict", mp([map(["__proto__", map(["polluted", true])]), map(["__class__", "Pyro4.core.Daemon"], ["state", []])])],
  [
    "__proto__ in exception attributes",
    mp(
      map(
        ["__class__", "builtins.ValueError"],
        ["__exception__", true],
        ["args", []],
        ["attributes", map(["__proto__", map(["polluted", true])], ["constructor", map(["prototype", map(["polluted", true])])])],
      ),
    ),
  ],
  ["__proto__ in call kwargs", mp(["obj", "m", [map(["__proto__", map(["polluted", true])])], map(["__proto__", map(["polluted", true])])])],
];

const HOSTILE_JSON: Array<[string, string]> = [
  ["top-level __proto__", '{"__proto__": {"polluted": true}}'],
  ["nested __proto__", '[{"a": {"__proto__": {"polluted": true}}}]'],
  ["escaped __proto__", '{"__pro\\u0074o__": {"polluted": true}}'],
  ["constructor.prototype", '{"constructor": {"prototype": {"polluted": true}}}'],
  ["__proto__ beside a class dict", '[{"__proto__": {"polluted": true}}, {"__class__": "Pyro4.core.Daemon", "state": []}]'],
  [
    "__proto__ in exception attributes",
    '{"__class__": "builtins.ValueError", "__exception__": true, "args": [], "attributes": {"__proto__": {"polluted": true}}}',
  ],
  ["__proto__ with NaN (slow parser)", '{"__proto__": {"polluted": true}, "n": NaN}'],
  ["__proto__ in call kwargs", '{"object": "o", "method": "m", "params": [{"__proto__": {"polluted": 1}}], "kwargs": {"__proto__": {"polluted": 1}}}'],
];

/** The own `__proto__` data property of `value`, or undefined (never its prototype). */
function ownProto(value: unknown): unknown {
  return Object.getOwnPropertyDescriptor(value as object, "__proto__")?.value;
}

function expectClean(value: unknown): void {
  expect(({} as Record<string, unknown>).polluted, "Object.prototype polluted").to.equal(undefined);
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted")).to.equal(false);
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(visit);
    const proto = Object.getPrototypeOf(node);
    if (proto === Object.prototype || proto === null) {
      expect(proto, "a decoded map keeps Object.prototype").to.equal(Object.prototype);
      const own = Object.getOwnPropertyDescriptor(node, "__proto__");
      if (own) expect(own, "a __proto__ key is an ordinary own data property").to.include({ enumerable: true, writable: true, configurable: true });
      if (!Object.hasOwn(node, "polluted")) expect((node as Record<string, unknown>).polluted, "no inherited polluted").to.equal(undefined);
    }
    Object.values(node).forEach(visit);
  };
  visit(value);
}

function decodeAll(serializer: Serializer, data: Buffer, call: boolean): unknown {
  return call ? serializer.decodeCall(data) : serializer.decode(data);
}

describe("prototype pollution", () => {
  afterEach(() => {
    delete (Object.prototype as Record<string, unknown>).polluted;
  });

  describe("msgpack", () => {
    for (const [label, bytes] of HOSTILE_MSGPACK) {
      it(`stays safe with ${label}`, () => {
        expectClean(decodeAll(msgpackSerializer, bytes, label.includes("call")));
      });
    }

    it("keeps a __proto__ key exactly, as an own data property, with the prototype untouched", () => {
      const value = msgpackSerializer.decode(mp(map(["__proto__", map(["polluted", true])], ["a", 1]))) as Record<string, unknown>;
      expect(Object.getPrototypeOf(value)).to.equal(Object.prototype);
      expect(Object.keys(value)).to.deep.equal(["__proto__", "a"]);
      expect(ownProto(value)).to.deep.equal({ polluted: true });
      expect(value.polluted).to.equal(undefined);
    });

    it("keeps both __proto__ and __proto_ when a map has both (nothing is renamed or lost)", () => {
      const value = msgpackSerializer.decode(mp(map(["__proto__", 1], ["__proto_", 2]))) as Record<string, unknown>;
      expect(ownProto(value)).to.equal(1);
      expect(value.__proto_).to.equal(2);
    });

    it("keeps constructor and prototype keys as plain own data", () => {
      const value = msgpackSerializer.decode(mp(map(["constructor", map(["prototype", map(["polluted", true])])]))) as Record<string, unknown>;
      expect(value.constructor).to.deep.equal({ prototype: { polluted: true } });
      expect(Object.getPrototypeOf(value)).to.equal(Object.prototype);
    });

    it("keeps a __proto__ key of exception attributes as an own key, the prototype untouched", () => {
      const error = msgpackSerializer.decode(HOSTILE_MSGPACK[4]![1]) as RemoteError;
      expect(error).to.be.instanceOf(RemoteError);
      expect(Object.getPrototypeOf(error.attributes)).to.equal(Object.prototype);
      expect(ownProto(error.attributes)).to.deep.equal({ polluted: true });
      expect(error.attributes.polluted).to.equal(undefined);
    });
  });

  describe("json", () => {
    for (const [label, text] of HOSTILE_JSON) {
      it(`stays safe with ${label}`, () => {
        expectClean(decodeAll(jsonSerializer, Buffer.from(text), label.includes("call")));
      });
    }

    it("keeps __proto__ keys exactly as the msgpack side does, on the fast and the slow parser", () => {
      const fromMsgpack = msgpackSerializer.decode(mp(map(["__proto__", map(["polluted", true])], ["a", 1])));
      for (const text of ['{"__proto__": {"polluted": true}, "a": 1}', '{"__proto__": {"polluted": true}, "a": 1, "n": NaN}']) {
        const fromJson = jsonSerializer.decode(Buffer.from(text)) as Record<string, unknown>;
        expect(Object.getPrototypeOf(fromJson)).to.equal(Object.prototype);
        expect(ownProto(fromJson)).to.deep.equal(ownProto(fromMsgpack));
        expect(fromJson.a).to.equal(1);
        expect(fromJson.polluted).to.equal(undefined);
      }
    });
  });

  describe("encoding values that carry a __proto__ own key", () => {
    for (const serializer of [msgpackSerializer, jsonSerializer]) {
      it(`${serializer.name} neither pollutes nor loses the key`, () => {
        const value = JSON.parse('{"__proto__": {"polluted": true}, "big": 1, "e": null}') as Record<string, unknown>;
        value.big = 2 ** 40;
        value.e = new Error("x");
        const decoded = serializer.decode(serializer.encode(value)) as Record<string, unknown>;
        expectClean(decoded);
        expect(ownProto(decoded)).to.deep.equal({ polluted: true });
        expect(decoded.big).to.equal(2 ** 40);
      });
    }
  });
});

describe("hostile nesting", () => {
  it("turns a stack-deep payload into SerializeError, not a crash", async () => {
    const { SerializeError } = await import("@pyrots/core/internal");
    const depth = 200_000;
    const deepJson = "[".repeat(depth) + '{"__class__": "Pyro4.core.Daemon", "state": []}' + "]".repeat(depth);
    expect(() => jsonSerializer.decode(Buffer.from(deepJson))).to.throw(SerializeError);
    const deepMsgpack = Buffer.concat([Buffer.alloc(depth, 0x91), mp(map(["__class__", "Pyro4.core.Daemon"], ["state", []]))]);
    expect(() => msgpackSerializer.decode(deepMsgpack)).to.throw(SerializeError);
    let nested: unknown = 1;
    for (let i = 0; i < depth; i++) nested = [nested];
    expect(() => msgpackSerializer.encode(nested)).to.throw(SerializeError);
    expect(() => jsonSerializer.encode(nested)).to.throw(SerializeError);
  });
});
