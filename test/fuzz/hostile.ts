/**
 * Hostile payload values and their msgpack and json encodings, written by hand so that they can
 * hold what no well-behaved encoder emits: `__proto__`/`constructor`/`prototype` keys at any
 * depth, non-string map keys, Pyro class dicts with wrong shapes and odd `__class__` values
 * (maps, arrays, proxies), every ext type (msgpackr's RegExp, Set, Error, typed arrays,
 * timestamps, ... beside Pyro4's own 0x30–0x33), NaN, bigints, floods of empty containers, lengths
 * declared far beyond the bytes that follow, and nesting deeper than any stack.
 */
import fc from "fast-check";

/** A msgpack map with entries in order (keys may be anything). */
export class MpMap {
  constructor(readonly entries: ReadonlyArray<readonly [Hostile, Hostile]>) {}
}
/** A msgpack ext value. */
export class MpExt {
  constructor(
    readonly type: number,
    readonly data: Buffer,
  ) {}
}
/** Bytes spliced into the msgpack output as they are (json: `null`). */
export class MpRaw {
  constructor(readonly bytes: Buffer) {}
}
/** A float32 (msgpack `ca`). */
export class MpF32 {
  constructor(readonly value: number) {}
}

/** A value tree a hostile peer can encode. */
export type Hostile = null | boolean | number | bigint | string | Buffer | MpF32 | MpExt | MpRaw | MpMap | Hostile[];

function head(small: number, limit: number, codes: [number, number, number], length: number): Buffer {
  if (length < limit) return Buffer.from([small | length]);
  if (length <= 0xff && codes[0] !== 0) return Buffer.from([codes[0], length]);
  if (length <= 0xffff) return Buffer.from([codes[1], length >> 8, length & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = codes[2];
  b.writeUInt32BE(length, 1);
  return b;
}

function mpInt(n: number | bigint): Buffer {
  const v = BigInt(n);
  if (v >= 0n && v < 128n) return Buffer.from([Number(v)]);
  if (v < 0n && v >= -32n) return Buffer.from([Number(v) & 0xff]);
  if (v >= 0n && v <= 0xffffffffffffffffn) {
    const b = Buffer.alloc(9);
    b[0] = 0xcf;
    b.writeBigUInt64BE(v, 1);
    return b;
  }
  if (v < 0n && v >= -(2n ** 63n)) {
    const b = Buffer.alloc(9);
    b[0] = 0xd3;
    b.writeBigInt64BE(v, 1);
    return b;
  }
  // Beyond 64 bits: Pyro4's ext 0x31 with the decimal text.
  return mp(new MpExt(0x31, Buffer.from(v.toString(), "latin1")));
}

/** Encodes `value` as msgpack. */
export function mp(value: Hostile): Buffer {
  if (value === null) return Buffer.from([0xc0]);
  if (value === true) return Buffer.from([0xc3]);
  if (value === false) return Buffer.from([0xc2]);
  if (typeof value === "bigint") return mpInt(value);
  if (typeof value === "number") {
    if (Number.isSafeInteger(value)) return mpInt(value);
    const b = Buffer.alloc(9);
    b[0] = 0xcb;
    b.writeDoubleBE(value, 1);
    return b;
  }
  if (typeof value === "string") {
    const bytes = Buffer.from(value, "utf8");
    return Buffer.concat([head(0xa0, 32, [0xd9, 0xda, 0xdb], bytes.length), bytes]);
  }
  if (Buffer.isBuffer(value)) return Buffer.concat([head(0, 0, [0xc4, 0xc5, 0xc6], value.length), value]);
  if (value instanceof MpF32) {
    const b = Buffer.alloc(5);
    b[0] = 0xca;
    b.writeFloatBE(value.value, 1);
    return b;
  }
  if (value instanceof MpRaw) return value.bytes;
  if (value instanceof MpExt) {
    const type = value.type & 0xff;
    const fixed: Record<number, number> = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 };
    const code = fixed[value.data.length];
    if (code !== undefined) return Buffer.concat([Buffer.from([code, type]), value.data]);
    const h = head(0, 0, [0xc7, 0xc8, 0xc9], value.data.length);
    return Buffer.concat([h, Buffer.from([type]), value.data]);
  }
  if (value instanceof MpMap) {
    return Buffer.concat([head(0x80, 16, [0, 0xde, 0xdf], value.entries.length), ...value.entries.flatMap(([k, v]) => [mp(k), mp(v)])]);
  }
  return Buffer.concat([head(0x90, 16, [0, 0xdc, 0xdd], value.length), ...value.map(mp)]);
}

/** JSON text for `value`, with Python's NaN/Infinity and, when `escapeKeys`, keys spelled with `\u` escapes. */
export function jsonText(value: Hostile, escapeKeys = false): string {
  if (value === null || typeof value === "boolean") return String(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number")
    return Number.isNaN(value) ? "NaN" : value === Infinity ? "Infinity" : value === -Infinity ? "-Infinity" : JSON.stringify(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (Buffer.isBuffer(value)) return JSON.stringify({ data: value.toString("base64"), encoding: "base64" });
  if (value instanceof MpF32) return jsonText(value.value);
  if (value instanceof MpExt || value instanceof MpRaw) return "null";
  if (value instanceof MpMap) {
    const key = (k: Hostile) => {
      const text = typeof k === "string" ? k : jsonText(k);
      return escapeKeys ? `"${[...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")}"` : JSON.stringify(text);
    };
    return `{${value.entries.map(([k, v]) => `${key(k)}:${jsonText(v, escapeKeys)}`).join(",")}}`;
  }
  return `[${value.map((v) => jsonText(v, escapeKeys)).join(",")}]`;
}

/** Keys that reach prototypes or Pyro's class machinery when decoded carelessly. */
export const DANGEROUS_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "__class__",
  "__exception__",
  "state",
  "args",
  "attributes",
  "_pyroTraceback",
  "exception",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "__defineGetter__",
  "then",
  "polluted",
  "data",
  "encoding",
];

/** Class names a payload may claim: Pyro's own, builtins, and names that must be refused. */
export const CLASS_NAMES = [
  "Pyro4.core.URI",
  "Pyro4.core.Proxy",
  "Pyro4.core.Daemon",
  "Pyro4.futures._ExceptionWrapper",
  "Pyro4.errors.PyroError",
  "Pyro4.errors.CommunicationError",
  "Pyro4.errors.SecurityError",
  "builtins.ValueError",
  "builtins.StopIteration",
  "builtins.ZeroDivisionError",
  "builtins.__proto__",
  "__main__.Evil",
  "os.system",
  "sqlite3.OperationalError",
  "Pyro5.core.URI",
  "Pyro5.client.Proxy",
  "Pyro5.server.Daemon",
  "Pyro5.core._ExceptionWrapper",
  "Pyro5.errors.PyroError",
  "Pyro5.errors.SerializeError",
  "Pyro5.errors.NoSuchError",
  "Pyro5.errors.__proto__",
  "constructor",
  "__proto__",
  "",
];

const key = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Hostile>(...DANGEROUS_KEYS) },
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
);

/**
 * Ext types msgpackr decodes by default (undefined, BigInt, ?, Error, structured clone refs,
 * Set, typed arrays, RegExp, timestamp) and Pyro4's own 0x30–0x33.
 */
const EXT_TYPES = [0x00, 0x42, 0x62, 0x65, 0x69, 0x70, 0x73, 0x74, 0x78, 0xff, 0x30, 0x31, 0x32, 0x33];

/** An ext value of any type, with msgpackr's trailing value for the types that read one (RegExp, Set, Error). */
const extValue: fc.Arbitrary<Hostile> = fc.oneof(
  fc
    .tuple(fc.oneof(fc.constantFrom(...EXT_TYPES), fc.integer({ min: 0, max: 255 })), fc.uint8Array({ maxLength: 20 }))
    .map(([t, d]) => new MpExt(t, Buffer.from(d))),
  fc.constantFrom(0x78, 0x73, 0x65).map((t) => new MpRaw(Buffer.concat([Buffer.from([0xd4, t, 0x00]), mp(["(a+)+$", "", "x"])]))),
);

/** A proxy class dict with a plausible state, to put where a string is expected. */
const proxyDict: Hostile = new MpMap([
  ["__class__", "Pyro4.core.Proxy"],
  ["state", ["PYRO:obj@127.0.0.1:1", [], [], [], null, null, "hello", 0]],
]);

/** Pyro5's proxy class dict (6-element state), to put where a string is expected. */
const pyro5ProxyDict: Hostile = new MpMap([
  ["__class__", "Pyro5.client.Proxy"],
  ["state", ["PYRO:obj@127.0.0.1:1", [], ["m"], [], "hello", null]],
]);

const leaf: fc.Arbitrary<Hostile> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 63), 2 ** 64 - 1),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
  fc.string({ maxLength: 40 }),
  fc.constantFrom<Hostile>(...DANGEROUS_KEYS, ...CLASS_NAMES),
  fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
  fc.float().map((f) => new MpF32(f)),
  extValue,
  fc.constant(proxyDict),
  fc.constant(pyro5ProxyDict),
);

/** Arbitrary hostile values, nested a few levels, with class dicts and dangerous keys. */
export const hostileValue: fc.Arbitrary<Hostile> = fc.letrec<{ value: Hostile; map: Hostile; classDict: Hostile }>((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, fc.array(tie("value"), { maxLength: 5 }), tie("map"), tie("classDict")),
  map: fc.array(fc.tuple(key, tie("value")), { maxLength: 5 }).map((entries) => new MpMap(entries)),
  classDict: fc
    .tuple(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom<Hostile>(...CLASS_NAMES) },
        fc.constant(proxyDict),
        tie("map"),
        fc.array(tie("value"), { maxLength: 3 }),
        leaf,
      ),
      fc.subarray(["state", "__exception__", "args", "attributes", "exception", "__proto__", "constructor"]),
      fc.array(tie("value"), { minLength: 7, maxLength: 7 }),
    )
    .map(([name, keys, values]) => new MpMap([["__class__", name], ...keys.map((k, i) => [k, values[i]!] as const)])),
})).value;

/** Deep nesting as raw bytes, cheaper than encoding a tree (up to hundreds of thousands of levels). */
export function deepBytes(serializer: "msgpack" | "json" | "serpent", kind: "array" | "map" | "proto", depth: number): Buffer {
  if (serializer === "serpent") {
    const open = kind === "array" ? "[" : kind === "proto" ? "{'__proto__': " : "{'a': ";
    return Buffer.from(open.repeat(depth) + "None" + (kind === "array" ? "]" : "}").repeat(depth), "utf8");
  }
  if (serializer === "msgpack") {
    const unit = kind === "array" ? Buffer.from([0x91]) : Buffer.concat([Buffer.from([0x81]), mp(kind === "proto" ? "__proto__" : "a")]);
    return Buffer.concat([Buffer.alloc(unit.length * depth, unit), Buffer.from([0xc0])]);
  }
  const open = kind === "array" ? "[" : kind === "proto" ? '{"__proto__":' : '{"a":';
  const close = kind === "array" ? "]" : "}";
  return Buffer.from(open.repeat(depth) + "null" + close.repeat(depth), "utf8");
}

/**
 * What costs a careless decoder dearly for its size, as raw msgpack: `count` empty maps, empty
 * arrays or empty binaries in one array, or a length declared far beyond the bytes that follow.
 */
export function costlyBytes(kind: "maps" | "arrays" | "bins" | "declared", count: number, format = 0): Buffer {
  if (kind === "declared") {
    // Each format announces `count` (at least 2^16) items or bytes and then stops after a few.
    const codes = [0xdc, 0xdd, 0xde, 0xdf, 0xda, 0xdb, 0xc5, 0xc6, 0xc8, 0xc9];
    const code = codes[format % codes.length]!;
    const wide = code === 0xdd || code === 0xdf || code === 0xdb || code === 0xc6 || code === 0xc9;
    const head = Buffer.alloc(wide ? 5 : 3);
    head[0] = code;
    if (wide) head.writeUInt32BE(count >>> 0, 1);
    else head.writeUInt16BE(Math.min(count, 0xffff), 1);
    return Buffer.concat([head, Buffer.from([0x31, 0x01, 0x02, 0xc0])]);
  }
  const unit = kind === "maps" ? [0x80] : kind === "arrays" ? [0x90] : [0xc4, 0x00];
  const head = Buffer.alloc(5);
  head[0] = 0xdd;
  head.writeUInt32BE(count, 1);
  return Buffer.concat([head, Buffer.alloc(count * unit.length, Buffer.from(unit))]);
}
