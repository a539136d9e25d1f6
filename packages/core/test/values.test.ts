/**
 * docs/values.md, row by row and serializer by serializer: what a JS value comes back as after
 * pyrots encodes it and pyrots decodes it (what Python receives: values-python.test.ts), with
 * Pyro4's class names and with Pyro5's.
 */
import { expect } from "chai";
import {
  AUTOPROXY,
  Complex,
  ExceptionWrapper,
  PYRO4,
  PYRO5,
  ProxyRef,
  PyDate,
  RemoteError,
  type Serializer,
  URI,
  msgpackSerializer,
  serpentSerializer,
} from "@pyrots/core/internal";

type Name = "msgpack" | "json" | "serpent";
/** Every serializer in both dialects: a name for the suite, the serializer's format, the serializer. */
const SERIALIZERS: Array<[string, Name, Serializer]> = [PYRO4, PYRO5].flatMap((protocol) =>
  (["msgpack", "json", "serpent"] as const).map((name): [string, Name, Serializer] => [`${name} (${protocol.name})`, name, protocol.serializerByName(name)]),
);

/** The value after a trip through `serializer`'s encoder and decoder. */
const back = (serializer: Serializer, value: unknown): unknown => serializer.decode(serializer.encode(value));

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
  get length(): number {
    return Math.hypot(this.x, this.y);
  }
  scale(k: number): Point {
    return new Point(this.x * k, this.y * k);
  }
}

class Money {
  constructor(
    private readonly cents: number,
    private readonly currency: string,
  ) {}
  toJSON(): string {
    return `${(this.cents / 100).toFixed(2)} ${this.currency}`;
  }
}

const date = new Date(Date.UTC(2024, 1, 29, 12, 30, 0, 250));
const plain = Object.defineProperties({ shown: 1, [Symbol("hidden")]: 2 } as Record<string, unknown>, {
  hiddenToo: { value: 3, enumerable: false },
  computed: { get: () => 4, enumerable: true },
});
/** Marks an object as the daemon marks a registered one. */
const registered = <T extends object>(target: T): T =>
  Object.defineProperty(target, AUTOPROXY, { value: () => new ProxyRef({ uri: URI.parse("PYRO:obj_1@localhost:9999"), methods: ["ping"] }) });

/** Rows of docs/values.md: a value, and what comes back (one value for all, or per serializer). */
const ROWS: Array<{ row: string; value: unknown; back: unknown } | { row: string; value: unknown; per: Record<Name, unknown> }> = [
  { row: "integers within ±2^53", value: [0, 42, -7, 2 ** 40, -(2 ** 40), 2 ** 53 - 1], back: [0, 42, -7, 2 ** 40, -(2 ** 40), 2 ** 53 - 1] },
  { row: "other finite numbers", value: [1.5, -0.25, 1e300, 2 ** 60], back: [1.5, -0.25, 1e300, 2 ** 60] },
  { row: "bigint: a number within ±(2^53−1), else a bigint", value: [5n, -5n, 2n ** 60n, -(2n ** 70n)], back: [5, -5, 2n ** 60n, -(2n ** 70n)] },
  { row: "strings", value: ["", "héllo", "✓ 😀", "line\nbreak 'quote' \"dq\" \\"], back: ["", "héllo", "✓ 😀", "line\nbreak 'quote' \"dq\" \\"] },
  { row: "a lone surrogate", value: "a\ud800b", per: { msgpack: "a\ufffdb", json: "a\ud800b", serpent: "a\ud800b" } },
  { row: "booleans, null, undefined", value: [true, false, null, undefined], back: [true, false, null, null] },
  // eslint-disable-next-line no-sparse-arrays -- the hole is what this row is about
  { row: "array holes", value: [1, , 3], back: [1, null, 3] },
  { row: "undefined properties are left out", value: { a: 1, b: undefined, c: [undefined] }, back: { a: 1, c: [null] } },
  { row: "plain object: own enumerable string keys, getters read", value: plain, back: { shown: 1, computed: 4 } },
  { row: "class instance: its own fields, no class", value: new Point(3, 4), back: { x: 3, y: 4 } },
  { row: "toJSON()", value: [new Money(1250, "EUR"), new URL("https://example.com/a?b=1")], back: ["12.50 EUR", "https://example.com/a?b=1"] },
  { row: "plain object with its own toJSON", value: { toJSON: () => [1, 2], ignored: true }, back: [1, 2] },
  { row: "boxed primitives", value: [Object(5), Object("s"), Object(true), Object(7n)], back: [5, "s", true, 7] },
  {
    row: "Map: a plain object, keys as text",
    value: new Map<unknown, unknown>([
      ["a", 1],
      [2, "b"],
      [true, 3],
      [null, 4],
      [5n, 6],
      [2.5, 7],
    ]),
    back: { a: 1, 2: "b", true: 3, null: 4, 5: 6, 2.5: 7 },
  },
  {
    row: "Set: a list (serpent: a set)",
    value: new Set([1, "a", 2n]),
    per: { msgpack: [1, "a", 2], json: [1, "a", 2], serpent: new Set([1, "a", 2]) },
  },
  { row: "a Set of lists is a list", value: new Set([[1], [2]]), back: [[1], [2]] },
  { row: "an empty Set", value: new Set(), back: [] },
  { row: "Date", value: date, per: { msgpack: date, json: "2024-02-29T12:30:00.250Z", serpent: "2024-02-29T12:30:00.250Z" } },
  {
    row: "bytes in every form",
    value: [Buffer.from([1, 2]), new Uint8Array([3]), new Uint8ClampedArray([4]), new DataView(new Uint8Array([5, 6]).buffer), new Uint8Array([7, 8]).buffer],
    back: [Buffer.from([1, 2]), Buffer.from([3]), Buffer.from([4]), Buffer.from([5, 6]), Buffer.from([7, 8])],
  },
  { row: "a view of part of a buffer", value: new Uint8Array([1, 2, 3, 4]).subarray(1, 3), back: Buffer.from([2, 3]) },
  {
    row: "typed arrays of numbers: lists",
    value: [new Float64Array([1.5, -2]), new Float32Array([0.5]), new Int16Array([-3, 4]), new Uint32Array([2 ** 32 - 1]), new BigInt64Array([5n, 2n ** 60n])],
    back: [[1.5, -2], [0.5], [-3, 4], [2 ** 32 - 1], [5, 2n ** 60n]],
  },
  { row: "ExceptionWrapper", value: new ExceptionWrapper(new TypeError("in a batch")), back: "ExceptionWrapper" },
  { row: "URI", value: URI.parse("PYRO:obj@localhost:4000"), back: URI.parse("PYRO:obj@localhost:4000") },
  { row: "a registered object travels as a proxy", value: registered(new Point(1, 2)), back: "ProxyRef PYRO:obj_1@localhost:9999 ping" },
  {
    row: "a registered object literal travels as a proxy",
    value: { obj: registered({ secret: "not sent", ping: () => "pong" }) },
    back: { obj: "ProxyRef PYRO:obj_1@localhost:9999 ping" },
  },
  { row: "Complex", value: new Complex(1.5, -2), per: { msgpack: new Complex(1.5, -2), json: { real: 1.5, imag: -2 }, serpent: new Complex(1.5, -2) } },
  { row: "PyDate", value: new PyDate(2024, 2, 29), per: { msgpack: new PyDate(2024, 2, 29), json: "2024-02-29", serpent: "2024-02-29" } },
];

/** Values that chai's deep equality cannot compare directly, as text. */
function shown(value: unknown): unknown {
  if (value instanceof ExceptionWrapper) return "ExceptionWrapper";
  if (value instanceof ProxyRef) return `ProxyRef ${value.uri} ${value.methods.join(",")}`;
  if (value !== null && Object.getPrototypeOf(value) === Object.prototype && (value as { obj?: unknown }).obj instanceof ProxyRef) {
    return { obj: shown((value as { obj: unknown }).obj) };
  }
  return value;
}

describe("values on the wire (docs/values.md), through pyrots' own decoders", () => {
  for (const [suite, name, serializer] of SERIALIZERS) {
    describe(suite, () => {
      for (const row of ROWS) {
        it(row.row, () => {
          const expected = "per" in row ? row.per[name] : row.back;
          expect(shown(back(serializer, row.value))).to.deep.equal(expected);
        });
      }

      it("-0 stays -0; NaN and ±Infinity stay themselves", () => {
        const [zero, nan, inf, negInf] = back(serializer, [-0, NaN, Infinity, -Infinity]) as number[];
        expect(Object.is(zero, -0), "-0").to.equal(true);
        expect(Number.isNaN(nan)).to.equal(true);
        expect([inf, negInf]).to.deep.equal([Infinity, -Infinity]);
        const { z } = back(serializer, { z: -0 }) as { z: number };
        expect(Object.is(z, -0), "-0 in a record").to.equal(true);
      });

      it("an own __proto__ key is an ordinary key both ways", () => {
        const value = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object;
        const decoded = back(serializer, value) as Record<string, unknown>;
        expect(Object.getPrototypeOf(decoded)).to.equal(Object.prototype);
        expect(Object.getOwnPropertyDescriptor(decoded, "__proto__")?.value).to.deep.equal({ polluted: true });
        expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      });

      it("an Error (inside a value) comes back as a RemoteError of its Python class, with its attributes", () => {
        const error = Object.assign(new RangeError("too big"), { limit: 10, detail: { unit: "kg" } });
        error.cause = new Error("not sent");
        const [decoded] = back(serializer, [error]) as [RemoteError];
        expect(decoded).to.be.instanceOf(RemoteError);
        expect(decoded).to.deep.include({ remoteType: "builtins.ValueError", args: ["too big"], attributes: { limit: 10, detail: { unit: "kg" } } });
      });

      it("a class instance's methods and class getters stay home", () => {
        const decoded = back(serializer, new Point(3, 4)) as Record<string, unknown>;
        expect(Object.getPrototypeOf(decoded)).to.equal(Object.prototype);
        expect(decoded).to.not.have.property("length");
        expect(decoded).to.not.have.property("scale");
      });

      it("leaves the value it sends untouched, however much of it the wire form changes", () => {
        const make = () => ({ list: [1, "two", { at: date, n: 2n ** 60n }], map: new Map([["k", new Set([1])]]), gone: undefined, big: 2 ** 40 });
        const value = make();
        serializer.encode(value);
        serializer.encodeCall("obj", "m", [value], { value });
        expect(value).to.deep.equal(make());
      });
    });
  }

  it("msgpack brings a Date back to the millisecond, though its seconds are a float", () => {
    // 1074271845.294 s times 1000 is 1074271845293.9999 ms: a cut instead of a rounding loses 1 ms.
    const dates = [new Date("2004-01-16T16:50:45.294Z"), new Date("1901-12-13T20:45:52.001Z"), new Date("2199-12-31T23:59:59.999Z")];
    expect(back(msgpackSerializer, dates)).to.deep.equal(dates);
  });

  it("serpent writes Map keys as Python keys and sends a bigint of 4300+ digits in hex", () => {
    const text = serpentSerializer
      .encode(
        new Map<unknown, unknown>([
          [1, "a"],
          [true, "b"],
          [null, "c"],
          [2.5, "d"],
        ]),
      )
      .toString();
    expect(text.endsWith("{1:'a',True:'b',None:'c',2.5:'d'}")).to.equal(true);
    expect(back(serpentSerializer, 10n ** 4400n)).to.equal(10n ** 4400n);
  });
});
