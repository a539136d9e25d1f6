/**
 * docs/values.md against the real Python: for each row and serializer, what Python Pyro4's own
 * serializer reads from what pyrots writes, and what pyrots reads when Python sends that back.
 */
import { expect } from "chai";
import {
  AUTOPROXY,
  Complex,
  ExceptionWrapper,
  ProxyRef,
  PyDate,
  RemoteError,
  type Serializer,
  URI,
  jsonSerializer,
  msgpackSerializer,
  serpentSerializer,
} from "@pyrots/core/internal";
import { pythonDescribe, requirePyro4, runPython } from "./python-pyro4.js";

type Name = "msgpack" | "json" | "serpent";
const SERIALIZERS: Record<Name, Serializer> = { msgpack: msgpackSerializer, json: jsonSerializer, serpent: serpentSerializer };

/** Loads each payload with Pyro4's serializer, describes it, and sends it back with that serializer. */
const ROUND_TRIP = `
name, hexes = json.load(sys.stdin)
ser = Pyro4.util.get_serializer(name)
${pythonDescribe({ keys: "described" })}
out = []
for h in hexes:
    v = ser.loads(bytes.fromhex(h))
    try:
        back = ser.dumps(v).hex()
    except Exception as e:
        back = "raised " + type(e).__name__
    out.append([describe(v), back])
print(json.dumps(out))
`;

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

const date = new Date(Date.UTC(2024, 1, 29, 12, 30, 0, 250));
const registered = Object.defineProperty(new Point(0, 0), AUTOPROXY, { value: () => new ProxyRef({ uri: URI.parse("PYRO:obj_1@localhost:9999") }) });

const int = (n: number | bigint): unknown[] => ["int", String(n)];
const float = (text: string): unknown[] => ["float", text];
const str = (text: string): unknown[] => ["str", `'${text}'`];
const list = (...items: unknown[]): unknown[] => ["list", items];
const dict = (...entries: Array<[unknown, unknown]>): unknown[] => ["dict", entries];
const NONE = ["NoneType", "None"];
const b64 = (bytes: number[]): unknown[] => dict([str("data"), str(Buffer.from(bytes).toString("base64"))], [str("encoding"), str("base64")]);
const bytes = (repr: string): unknown[] => ["bytes", repr];

/** A row: the JS value, what Python gets (one for all, or per serializer), what pyrots gets back. */
interface Row {
  row: string;
  value: unknown;
  /** What Python reads (with `perSerializer`: a Record<Name, unknown> of it per serializer). */
  python: unknown;
  /** What comes back (with `perSerializer`: a Record<Name, unknown> of it per serializer). */
  back: unknown;
  perSerializer?: boolean;
}

const per = (msgpack: unknown, json: unknown, serpent: unknown): Record<Name, unknown> & { per: true } => ({ msgpack, json, serpent, per: true });
const pick = (value: unknown, name: Name): unknown =>
  value !== null && typeof value === "object" && (value as { per?: boolean }).per === true ? (value as Record<Name, unknown>)[name] : value;

const ROWS: Row[] = [
  {
    row: "integers",
    value: [0, -7, 2 ** 40, -(2 ** 40), 2 ** 53 - 1],
    python: list(int(0), int(-7), int(2 ** 40), int(-(2 ** 40)), int(2 ** 53 - 1)),
    back: [0, -7, 2 ** 40, -(2 ** 40), 2 ** 53 - 1],
  },
  {
    row: "floats",
    value: [1.5, -0.25, 1e300, 2 ** 60],
    python: list(float("1.5"), float("-0.25"), float("1e+300"), float("1.152921504606847e+18")),
    back: [1.5, -0.25, 1e300, 2 ** 60],
  },
  {
    row: "-0, NaN, ±Infinity",
    value: [-0, NaN, Infinity, -Infinity],
    python: list(float("-0.0"), float("nan"), float("inf"), float("-inf")),
    back: ["-0", "NaN", Infinity, -Infinity],
  },
  {
    row: "bigints",
    value: [5n, -5n, 2n ** 60n, -(2n ** 70n)],
    python: list(int(5), int(-5), int(2n ** 60n), int(-(2n ** 70n))),
    back: [5, -5, "1152921504606846976n", "-1180591620717411303424n"],
  },
  { row: "strings", value: ["héllo", "✓ 😀"], python: list(str("héllo"), str("✓ 😀")), back: ["héllo", "✓ 😀"] },
  {
    row: "a lone surrogate",
    value: "a\ud800b",
    python: per(str("a\ufffdb"), str("a\\ud800b"), str("a\\ud800b")),
    // Python's json writes UTF-8 text and cannot encode the surrogate; serpent escapes it.
    back: per("a\ufffdb", "raised UnicodeEncodeError", "a\ud800b"),
  },
  {
    row: "booleans, null, undefined",
    value: [true, false, null, undefined],
    python: list(["bool", "True"], ["bool", "False"], NONE, NONE),
    back: [true, false, null, null],
  },
  // eslint-disable-next-line no-sparse-arrays -- the hole is what this row is about
  { row: "array holes", value: [1, , 3], python: list(int(1), NONE, int(3)), back: [1, null, 3] },
  {
    row: "undefined properties left out",
    value: { a: 1, b: undefined, c: [undefined] },
    python: dict([str("a"), int(1)], [str("c"), list(NONE)]),
    back: { a: 1, c: [null] },
  },
  { row: "a class instance: its fields", value: new Point(3, 4), python: dict([str("x"), int(3)], [str("y"), int(4)]), back: { x: 3, y: 4 } },
  { row: "toJSON: URL", value: new URL("https://example.com/a"), python: str("https://example.com/a"), back: "https://example.com/a" },
  { row: "boxed primitives", value: [Object(5), Object("s")], python: list(int(5), str("s")), back: [5, "s"] },
  {
    row: "Map: text keys in its order (serpent: Python keys)",
    value: new Map<unknown, unknown>([
      ["a", 1],
      [2, "b"],
      [true, 3],
      [2.5, 4],
    ]),
    python: per(
      dict([str("a"), int(1)], [str("2"), str("b")], [str("true"), int(3)], [str("2.5"), int(4)]),
      dict([str("a"), int(1)], [str("2"), str("b")], [str("true"), int(3)], [str("2.5"), int(4)]),
      dict([str("a"), int(1)], [int(2), str("b")], [["bool", "True"], int(3)], [float("2.5"), int(4)]),
    ),
    back: { a: 1, 2: "b", true: 3, 2.5: 4 },
  },
  {
    row: "a null Map key",
    value: new Map([[null, 1]]),
    python: per(dict([str("null"), int(1)]), dict([str("null"), int(1)]), dict([NONE, int(1)])),
    // Python's serpent reads a None key but refuses to write one.
    back: per({ null: 1 }, { null: 1 }, "raised TypeError"),
  },
  {
    row: "Set",
    value: new Set([1, "a"]),
    python: per(list(int(1), str("a")), list(int(1), str("a")), ["set", ["'a'", "1"]]),
    back: per([1, "a"], [1, "a"], { set: ["a", 1] }),
  },
  { row: "an empty Set", value: new Set(), python: per(list(), list(), ["tuple", []]), back: [] },
  {
    row: "Date",
    value: date,
    python: per(["datetime", "datetime.datetime(2024, 2, 29, 12, 30, 0, 250000)"], str("2024-02-29T12:30:00.250Z"), str("2024-02-29T12:30:00.250Z")),
    back: per("Date 2024-02-29T12:30:00.250Z", "2024-02-29T12:30:00.250Z", "2024-02-29T12:30:00.250Z"),
  },
  {
    row: "bytes",
    value: [Buffer.from([1, 2]), new DataView(new Uint8Array([5]).buffer), new Uint8Array([7]).buffer],
    python: per(
      list(bytes("b'\\x01\\x02'"), bytes("b'\\x05'"), bytes("b'\\x07'")),
      list(b64([1, 2]), b64([5]), b64([7])),
      list(b64([1, 2]), b64([5]), b64([7])),
    ),
    back: ["Buffer 0102", "Buffer 05", "Buffer 07"],
  },
  {
    row: "typed arrays of numbers",
    value: [new Float64Array([1.5, -2]), new Int16Array([-3]), new BigInt64Array([5n])],
    python: list(list(float("1.5"), int(-2)), list(int(-3)), list(int(5))),
    back: [[1.5, -2], [-3], [5]],
  },
  {
    row: "an Error with attributes",
    value: Object.assign(new RangeError("too big"), { limit: 10 }),
    python: ["builtins.ValueError", [str("too big")], { limit: int(10) }],
    back: { remote: "builtins.ValueError", args: ["too big"], attributes: { limit: 10 } },
  },
  {
    row: "ExceptionWrapper",
    value: new ExceptionWrapper(new TypeError("t")),
    python: ["_ExceptionWrapper", ["builtins.TypeError", [str("t")], {}]],
    back: { wrapped: { remote: "builtins.TypeError", args: ["t"], attributes: {} } },
  },
  { row: "URI", value: URI.parse("PYRO:obj@localhost:4000"), python: ["URI", "PYRO:obj@localhost:4000"], back: "URI PYRO:obj@localhost:4000" },
  {
    row: "a registered object: a proxy",
    value: registered,
    python: ["Proxy", "PYRO:obj_1@localhost:9999", [], [], []],
    back: "ProxyRef PYRO:obj_1@localhost:9999",
  },
  {
    row: "Complex",
    value: new Complex(1.5, -2),
    python: per(["complex", "(1.5-2j)"], dict([str("real"), float("1.5")], [str("imag"), int(-2)]), ["complex", "(1.5-2j)"]),
    back: per("Complex 1.5 -2", { real: 1.5, imag: -2 }, "Complex 1.5 -2"),
  },
  {
    row: "PyDate",
    value: new PyDate(2024, 2, 29),
    python: per(["date", "datetime.date(2024, 2, 29)"], str("2024-02-29"), str("2024-02-29")),
    back: per("PyDate 2024-02-29", "2024-02-29", "2024-02-29"),
  },
];

/** Values made comparable with chai's deep equality. */
function shown(value: unknown): unknown {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : Number.isNaN(value) ? "NaN" : value;
  if (typeof value === "bigint") return `${value}n`;
  if (Buffer.isBuffer(value)) return `Buffer ${value.toString("hex")}`;
  if (value instanceof Date) return `Date ${value.toISOString()}`;
  if (value instanceof URI) return `URI ${value}`;
  if (value instanceof ProxyRef) return `ProxyRef ${value.uri}`;
  if (value instanceof Complex) return `Complex ${value.real} ${value.imag}`;
  if (value instanceof PyDate) return `PyDate ${value}`;
  // Sorted: a set Python sends back comes in its own order, which its hash seed changes per run.
  if (value instanceof Set) return { set: [...value].map(shown).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) };
  if (value instanceof RemoteError) return { remote: value.remoteType, args: value.args, attributes: value.attributes };
  if (value instanceof ExceptionWrapper) return { wrapped: shown(value.error) };
  if (Array.isArray(value)) return value.map(shown);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shown(v)]));
  return value;
}

describe("values on the wire (docs/values.md) against Python Pyro4's serializers", function () {
  this.timeout(30_000);
  before(function () {
    requirePyro4(this);
  });

  for (const name of ["msgpack", "json", "serpent"] as const) {
    const serializer = SERIALIZERS[name];
    it(`${name}: what Python reads, and what pyrots reads when Python sends it back`, () => {
      const results = runPython(ROUND_TRIP, [name, ROWS.map((row) => serializer.encode(row.value).toString("hex"))]) as Array<[unknown, string]>;
      ROWS.forEach((row, i) => {
        const [python, back] = results[i]!;
        expect(python, `${row.row}: what Python gets`).to.deep.equal(pick(row.python, name));
        const expected = pick(row.back, name);
        if (back.startsWith("raised ")) expect(back, `${row.row}: back`).to.equal(expected);
        else expect(shown(serializer.decode(Buffer.from(back, "hex"))), `${row.row}: back in JS`).to.deep.equal(expected);
      });
    });

    it(`${name}: a call's arguments, an undefined keyword argument left out (Python then uses its default)`, () => {
      const code = `
name, data = json.load(sys.stdin)
obj, method, args, kwargs = Pyro4.util.get_serializer(name).loadsCall(bytes.fromhex(data))
print(json.dumps([obj, method, [repr(a) for a in args], {k: repr(v) for k, v in kwargs.items()}]))
`;
      const payload = serializer.encodeCall("calc", "add", [1, new Set([2]), new Map([[3, 4]])], { timeout: undefined, scale: -0 });
      const expectedArgs = name === "serpent" ? ["1", "{2}", "{3: 4}"] : ["1", "[2]", "{'3': 4}"];
      expect(runPython(code, [name, payload.toString("hex")])).to.deep.equal(["calc", "add", expectedArgs, { scale: "-0.0" }]);
    });
  }

  it("serpent sends a bigint of more than 4300 digits, in hex, which Python reads", () => {
    const [[python]] = runPython(ROUND_TRIP, ["serpent", [serpentSerializer.encode(10n ** 4400n).toString("hex")]]) as Array<[unknown, string]>;
    expect(python).to.deep.equal(["int", "0x" + (10n ** 4400n).toString(16)]);
  });
});
