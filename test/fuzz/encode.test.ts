/**
 * Random JS values through every serializer's encoder, checked against a second, independent
 * statement of docs/values.md (the model below): what the encoder accepts must come back from
 * pyrots' decoder as the model says, and what the model refuses must be refused with a
 * SerializeError that names a path (`cannot send value…`), never another error or a crash.
 *
 * `FUZZ_CASES` sets the number of values (default 3000); `FUZZ_SEED` replays a run.
 */
import { expect } from "chai";
import fc from "fast-check";
import { SerializeError, type Serializer, jsonSerializer, msgpackSerializer, serpentSerializer } from "@pyrots/core/internal";
import { FUZZ_SEED, fuzzCases } from "./harness.js";

type Name = "msgpack" | "json" | "serpent";
const SERIALIZERS: Record<Name, Serializer> = { msgpack: msgpackSerializer, json: jsonSerializer, serpent: serpentSerializer };

class Point {
  constructor(
    public x: unknown,
    public y: unknown,
  ) {}
  move(): void {}
}

/** The model's answer: the value pyrots reads back, or a refusal. */
const REFUSED = Symbol("refused");

function isHashable(value: unknown): boolean {
  return (
    typeof value === "string" ||
    typeof value === "bigint" ||
    typeof value === "boolean" ||
    value === null ||
    (typeof value === "number" && !Number.isNaN(value))
  );
}

/** Text as `name` carries it: msgpack's UTF-8 has no lone surrogates (they become U+FFFD). */
function text(value: string, name: Name): string {
  return name === "msgpack" ? (value as unknown as { toWellFormed(): string }).toWellFormed() : value;
}

/** `record[key] = value` as an own property, even for `__proto__`. */
function put(record: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** docs/values.md, written again: what `value` comes back as after `name`'s encoder and decoder. */
function model(value: unknown, name: Name, path: Set<object>): unknown {
  switch (typeof value) {
    case "string":
      return text(value, name);
    case "number":
    case "boolean":
      return value;
    case "bigint":
      return value >= -(2n ** 53n - 1n) && value <= 2n ** 53n - 1n ? Number(value) : value;
    case "undefined":
      return null;
    case "function":
    case "symbol":
      return REFUSED;
  }
  if (value === null) return null;
  const object = value as object;
  if (path.has(object)) return REFUSED;
  path.add(object);
  try {
    return modelObject(object, name, path);
  } finally {
    path.delete(object);
  }
}

function modelObject(value: object, name: Name, path: Set<object>): unknown {
  const items = (list: Iterable<unknown>): unknown => {
    const out: unknown[] = [];
    for (const item of list) {
      const modelled = model(item, name, path);
      if (modelled === REFUSED) return REFUSED;
      out.push(modelled);
    }
    return out;
  };
  if (Array.isArray(value)) return items(value);
  if (value instanceof Promise) return REFUSED;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value);
  if (value instanceof Float64Array) return [...value];
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return REFUSED;
    return name === "msgpack" ? value : value.toISOString();
  }
  if (value instanceof Set) {
    const list = items(value);
    if (list === REFUSED || name !== "serpent") return list;
    const values = list as unknown[];
    return values.length > 0 && [...value].every(isHashable) ? new Set(values) : values;
  }
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of value) {
      if (key !== null && (typeof key === "object" || typeof key === "function" || typeof key === "symbol")) return REFUSED;
      const modelled = model(item, name, path);
      if (modelled === REFUSED) return REFUSED;
      put(out, text(String(key), name), modelled);
    }
    return out;
  }
  const record = value as Record<string, unknown>;
  // An own toJSON method stands for the record, as for JSON.stringify.
  if (typeof record.toJSON === "function" && Object.hasOwn(record, "toJSON")) return model((record.toJSON as () => unknown)(), name, path);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (item === undefined) continue;
    const modelled = model(item, name, path);
    if (modelled === REFUSED) return REFUSED;
    put(out, text(key, name), modelled);
  }
  return out;
}

const leaf = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.double(),
  fc.integer(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.boolean(),
  fc.constantFrom(null, undefined, -0, NaN, Infinity),
  // Pyro4's msgpack Date is float seconds: exact to the millisecond for some centuries around now.
  fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2200-01-01T00:00:00Z"), noInvalidDate: false }),
  fc.uint8Array({ maxLength: 8 }).map((bytes) => Buffer.from(bytes)),
  fc.array(fc.double(), { maxLength: 4 }).map((numbers) => new Float64Array(numbers)),
  fc.constantFrom<unknown>(() => 1, Symbol("s"), Promise.resolve(1)),
);

/** Map keys: distinct as text, so that no two become one key on the wire. */
const mapKeys = fc.uniqueArray(fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)), { selector: (key) => String(key), maxLength: 4 });

const tree = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie("value"), { maxKeys: 4 }),
    fc.tuple(tie("value"), tie("value")).map(([x, y]) => new Point(x, y)),
    fc
      .uniqueArray(tie("value"), { selector: (item) => (typeof item === "object" && item !== null ? item : String(item)), maxLength: 3 })
      .map((list) => new Set(list)),
    fc.tuple(mapKeys, fc.array(tie("value"), { minLength: 4, maxLength: 4 })).map(([keys, values]) => new Map(keys.map((key, i) => [key, values[i]]))),
    fc.tuple(tie("value"), fc.constantFrom({ id: 1 }, [0])).map(([item, key]) => new Map<unknown, unknown>([[key, item]])),
    fc.array(tie("value"), { minLength: 1, maxLength: 3 }).map((list) => {
      // A cycle: the list holds itself.
      list.push(list);
      return list;
    }),
  ),
})).value;

describe("fuzzing the encoders against a model of docs/values.md", function () {
  this.timeout(0);

  for (const name of ["msgpack", "json", "serpent"] as const) {
    it(`${name}: accepts what the model accepts (and reads it back as the model says), refuses the rest with a path`, () => {
      const serializer = SERIALIZERS[name];
      fc.assert(
        fc.property(tree, (value) => {
          const expected = model(value, name, new Set());
          let encoded: Buffer;
          try {
            encoded = serializer.encode(value);
          } catch (error) {
            expect(error, String(error)).to.be.instanceOf(SerializeError);
            expect((error as Error).message).to.match(/^cannot send (\[\.\.\.)*value/);
            expect(expected, `refused: ${(error as Error).message}`).to.equal(REFUSED);
            return;
          }
          expect(expected, "accepted what the model refuses").to.not.equal(REFUSED);
          expect(serializer.decode(encoded)).to.deep.equal(expected);
        }),
        { numRuns: fuzzCases(3000), seed: FUZZ_SEED },
      );
    });
  }
});
