/**
 * The values both interop directions send, with what each side must see. Python sides report a
 * value as `[type name, repr]`; the TS side as {@link kind}.
 *
 * json notes (core's json serializer documents both): integers beyond 2^53 arrive in JS as
 * bigint, exactly as with msgpack, and bytes travel as serpent's `{"data": base64, "encoding":
 * "base64"}` map, which a Python json peer sees as a plain dict (Pyro4's own json serializer
 * cannot send bytes). With serpent, Python's bytes reach JS as Buffers and JS bytes reach Python
 * as that same map, serpent's own form (`serpent.tobytes()` makes bytes of it).
 */
import type { SerializerName } from "../support/python.js";

/** A description of a decoded JS value that keeps its JS type: `bigint 9223372036854775807`. */
export function kind(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Buffer.isBuffer(value)) return `Buffer ${value.toString("hex")}`;
  if (value instanceof Uint8Array) return `Uint8Array ${Buffer.from(value).toString("hex")}`;
  if (Array.isArray(value)) return `array [${value.map(kind).join(", ")}]`;
  if (value instanceof Set) return `Set {${[...value].map(kind).join(", ")}}`;
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    const name = proto === Object.prototype ? "object" : (proto?.constructor?.name ?? "null-prototype");
    return `${name} {${Object.entries(value)
      .map(([k, v]) => `${k}: ${kind(v)}`)
      .join(", ")}}`;
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- what is left has no shape to describe
  return `${typeof value} ${String(value)}`;
}

/** A Python-side description `[type name, repr]`. */
export type Described = [string, string];

/** One value of the Python → pyrots → Python round trip (client.py's VALUES, same names). */
export interface PythonValue {
  name: string;
  /** repr of the value as Python sent it. */
  python: Described;
  /** What `kind()` gives for it on the TS side, per serializer. */
  ts: Record<SerializerName, string>;
  /** How Python sees it after the trip through JS and back, when that differs from {@link python}. */
  back?: Described;
}

const big = (text: string): PythonValue => ({
  name: "",
  python: ["int", text],
  ts: { msgpack: `bigint ${text}`, json: `bigint ${text}`, serpent: `bigint ${text}` },
});
const same = (python: Described, ts: string): Omit<PythonValue, "name"> => ({ python, ts: { msgpack: ts, json: ts, serpent: ts } });

/** client.py's VALUES, by name. */
export const PYTHON_VALUES: PythonValue[] = Object.entries({
  int63max: big("9223372036854775807"),
  int63min: big("-9223372036854775808"),
  uint64max: big("18446744073709551615"),
  int40: same(["int", "1099511627776"], "number 1099511627776"),
  small: same(["int", "-5"], "number -5"),
  zero: same(["int", "0"], "number 0"),
  float: same(["float", "1.5"], "number 1.5"),
  nan: same(["float", "nan"], "number NaN"),
  inf: same(["float", "inf"], "number Infinity"),
  ninf: same(["float", "-inf"], "number -Infinity"),
  str: same(["str", "'h\u00e9llo \u2713'"], "string h\u00e9llo \u2713"),
  empty_str: same(["str", "''"], "string "),
  list: same(["list", "[1, 'two', [3.5]]"], "array [number 1, string two, array [number 3.5]]"),
  nested: same(["dict", "{'a': {'b': [1, {'c': None}]}}"], "object {a: object {b: array [number 1, object {c: null}]}}"),
  empty_map: same(["dict", "{}"], "object {}"),
  none: same(["NoneType", "None"], "null"),
  true: same(["bool", "True"], "boolean true"),
  false: same(["bool", "False"], "boolean false"),
  bytes: same(["bytes", "b'\\x00\\x01\\xff'"], "Buffer 0001ff"),
  // JS has no tuple: a tuple comes back as a list, whatever the serializer.
  tuple: { ...same(["tuple", "(1, 'a')"], "array [number 1, string a]"), back: ["list", "[1, 'a']"] as Described },
  // Pyro4's msgpack and json serializers send a set as a list; serpent sends a set, which pyrots keeps.
  set: { python: ["set", "{'x'}"] as Described, ts: { msgpack: "array [string x]", json: "array [string x]", serpent: "Set {string x}" } },
}).map(([name, v]) => ({ ...v, name }));

/** What a Python value looks like after the trip through JS and back. */
export function afterRoundTrip(value: PythonValue, serializer: SerializerName): Described {
  if (value.name === "set" && serializer !== "serpent") return ["list", "['x']"];
  // pyrots writes bytes in serpent as serpent's base64 dict, as a Python daemon does.
  if (value.name === "bytes" && serializer === "serpent") return BYTES_AS_JSON;
  return value.back ?? value.python;
}

/** JS values a pyrots side sends, with how Python must see each. */
export interface JsValue {
  name: string;
  value: unknown;
  python: Record<SerializerName, Described>;
}

const BYTES_AS_JSON: Described = ["dict", "{'data': 'AAH/', 'encoding': 'base64'}"];
const js = (name: string, value: unknown, python: Described, json: Described = python): JsValue => ({
  name,
  value,
  // Bytes go to Python as serpent's base64 dict, as with json (and as from a Python daemon).
  python: { msgpack: python, json, serpent: json },
});

/** Values made in JS: bigint, numbers incl. NaN and infinities, strings, bytes, containers. */
export const JS_VALUES: JsValue[] = [
  js("int63max", 2n ** 63n - 1n, ["int", "9223372036854775807"]),
  js("int63min", -(2n ** 63n), ["int", "-9223372036854775808"]),
  js("uint64max", 2n ** 64n - 1n, ["int", "18446744073709551615"]),
  js("int53plus1", 2n ** 53n + 1n, ["int", "9007199254740993"]),
  js("int40", 2 ** 40, ["int", "1099511627776"]),
  js("int32max", 2 ** 31 - 1, ["int", "2147483647"]),
  js("small", -5, ["int", "-5"]),
  js("zero", 0, ["int", "0"]),
  js("float", 1.5, ["float", "1.5"]),
  js("fraction", 0.1, ["float", "0.1"]),
  js("nan", NaN, ["float", "nan"]),
  js("inf", Infinity, ["float", "inf"]),
  js("ninf", -Infinity, ["float", "-inf"]),
  js("str", "h\u00e9llo \u2713", ["str", "'h\u00e9llo \u2713'"]),
  js("empty_str", "", ["str", "''"]),
  js("list", [1, "two", [3.5]], ["list", "[1, 'two', [3.5]]"]),
  js("nested", { a: { b: [1, { c: null }] } }, ["dict", "{'a': {'b': [1, {'c': None}]}}"]),
  js("empty_map", {}, ["dict", "{}"]),
  js("null", null, ["NoneType", "None"]),
  js("undefined", undefined, ["NoneType", "None"]),
  js("true", true, ["bool", "True"]),
  js("false", false, ["bool", "False"]),
  js("bytes", Buffer.from([0, 1, 255]), ["bytes", "b'\\x00\\x01\\xff'"], BYTES_AS_JSON),
];

/** What a pyrots `values()` method returns (the JS_VALUES that fit a map, bytes apart). */
export function jsValueMap(): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  for (const v of JS_VALUES) if (v.name !== "bytes" && v.name !== "undefined") map[v.name] = v.value;
  return map;
}
