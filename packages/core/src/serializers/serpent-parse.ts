/**
 * The serpent decoder: Python literal text → JS values, without `eval`, iteratively (an explicit
 * stack, so hostile nesting cannot overflow the JS stack), within the payload's
 * {@link DecodeLimits}.
 *
 * | text                        | JS value                                                     |
 * | --------------------------- | ------------------------------------------------------------ |
 * | `[a, b]`, `(a, b)`, `(a,)`  | array (`(x)` without a comma is just `x`, as in Python)       |
 * | `{a, b}`, `set()`           | Set (serpent writes an empty set as `()`: an empty array)     |
 * | `{k: v}`                    | plain object; keys str as is, int/float/bool/None as `String` (msgpack's rule); other keys refused |
 * | `{'data': …, 'encoding': 'base64'}` (exactly these keys) | Buffer (serpent's bytes form)   |
 * | `{'__class__': …}`          | the dialect's class (URI, proxy, errors; float NaN); others refused |
 * | scalars                     | see serpent-strings.ts and serpent-numbers.ts                 |
 *
 * A key `__proto__` becomes an own data property (never a prototype). Costs are estimates of the
 * JS heap each value takes, charged against `max(minBudget, expansion × payload bytes)`.
 */
import { isUtf8 } from "node:buffer";
import { PyroError, SerializeError } from "../errors.js";
import { asSerializeError } from "./classes.js";
import type { PyroDialect } from "./dialect.js";
import { reviveSerpentDict } from "./serpent-dialect.js";
import { STRING_PREFIX, SerpentCursor } from "./serpent-cursor.js";
import { MAX_INT_DIGITS, readNumber } from "./serpent-numbers.js";
import { readStrings } from "./serpent-strings.js";
import type { DecodeContext } from "./types.js";
import { Complex } from "./values.js";

const enum Kind {
  List,
  Tuple,
  /** `{` whose first entry has not yet shown whether it is a dict or a set. */
  Brace,
  Dict,
  Set,
}

interface Frame {
  kind: Kind;
  /** Index of the opening bracket, for error messages. */
  start: number;
  /** The items of a list or tuple (one field per container type keeps the frames monomorphic). */
  array: unknown[] | null;
  record: Record<string, unknown> | null;
  set: Set<unknown> | null;
  /** Tuple: a comma was seen, so `(x,)` is a tuple and not a parenthesized `x`. */
  comma: boolean;
  /** Dict: the key waiting for its value; undefined while a key is expected. */
  key: string | undefined;
}

/** Estimated heap bytes per decoded value (V8, 64-bit, pointer compression off). */
const COST = { scalar: 16, string: 16, array: 32, slot: 8, object: 56, property: 32, set: 80, setEntry: 24, buffer: 96, complex: 48 } as const;

/** Int keys from here on (in absolute value) have more than {@link MAX_INT_DIGITS} decimal digits. */
const DECIMAL_KEY_LIMIT = 10n ** BigInt(MAX_INT_DIGITS);

const CLOSERS = [0x5d, 0x29, 0x7d, 0x7d, 0x7d] as const;

function closerOf(kind: Kind): number {
  return CLOSERS[kind];
}

/**
 * Decodes one serpent payload. Throws SerializeError (with the byte offset) for malformed text,
 * text nested deeper than `limits.maxDepth`, or values costing more than the budget; class dicts
 * fail as the dialect says (SerializeError, or SecurityError as in Pyro).
 */
export function parseSerpent(data: Uint8Array, context: DecodeContext, dialect: PyroDialect): unknown {
  const { limits } = context;
  const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (limits.maxBytes > 0 && buffer.length > limits.maxBytes) {
    throw new SerializeError(`serpent payload of ${buffer.length} bytes exceeds the limit of ${limits.maxBytes} bytes`);
  }
  if (!isUtf8(buffer)) throw new SerializeError(`invalid serpent data at byte ${firstInvalidUtf8(buffer)}: not valid UTF-8`);
  let text: string;
  try {
    text = buffer.toString("utf8");
  } catch (error) {
    throw asSerializeError(error, "cannot decode serpent data");
  }
  const budget = Math.max(limits.minBudget, limits.expansion * buffer.length);
  const parser = new SerpentParser(text, budget, limits.maxDepth, context, dialect);
  try {
    return parser.document();
  } catch (error) {
    if (error instanceof PyroError) throw error;
    // What else can throw here (BigInt, String length limits) is still malformed input.
    return parser.fail(`${(error as Error)?.message ?? String(error)}`);
  }
}

class SerpentParser extends SerpentCursor {
  private spent = 0;

  constructor(
    text: string,
    private readonly budget: number,
    private readonly maxDepth: number,
    private readonly context: DecodeContext,
    private readonly dialect: PyroDialect,
  ) {
    super(text);
  }

  private charge(cost: number): void {
    this.spent += cost;
    if (this.spent > this.budget) this.fail(`the decoded value would take more than the decode budget (${this.budget} bytes)`);
  }

  /** The whole text: comments and space around exactly one value. */
  document(): unknown {
    this.skipSpace();
    if (this.pos >= this.text.length) this.fail("no value (empty serpent document)");
    const value = this.value();
    this.skipSpace();
    if (this.pos < this.text.length) this.fail("unexpected text after the value");
    return value;
  }

  private value(): unknown {
    const stack: Frame[] = [];
    const text = this.text;
    for (;;) {
      // Read one value, or open containers until one is read.
      this.skipSpace();
      const c = text.charCodeAt(this.pos);
      let value: unknown;
      if (c === 0x5b || c === 0x28 || c === 0x7b) {
        if (stack.length >= this.maxDepth) this.fail(`nested deeper than ${this.maxDepth} levels`);
        const kind = c === 0x5b ? Kind.List : c === 0x28 ? Kind.Tuple : Kind.Brace;
        const start = this.pos++;
        this.skipSpace();
        if (text.charCodeAt(this.pos) !== closerOf(kind)) {
          this.charge(kind === Kind.Brace ? COST.object : COST.array);
          stack.push({ kind, start, array: kind === Kind.Brace ? null : [], record: null, set: null, comma: false, key: undefined });
          continue;
        }
        this.pos++;
        value = kind === Kind.Brace ? this.emptyDict() : this.emptyArray();
      } else {
        value = this.scalar(c);
      }

      // Put the value in its container; close containers that end here.
      for (;;) {
        const frame = stack[stack.length - 1];
        if (frame === undefined) return value;
        if (!this.add(frame, value)) break;
        this.skipSpace();
        const next = text.charCodeAt(this.pos);
        const closer = closerOf(frame.kind);
        if (next === 0x2c) {
          this.pos++;
          frame.comma = true;
          this.skipSpace();
          if (text.charCodeAt(this.pos) !== closer) break;
        } else if (next !== closer) {
          this.fail(
            this.pos >= text.length ? `unterminated ${describe(frame.kind)}` : `expected ',' or '${String.fromCharCode(closer)}' in ${describe(frame.kind)}`,
          );
        }
        this.pos++;
        stack.pop();
        value = this.finish(frame);
      }
    }
  }

  /**
   * Adds a value to its container. Returns false when the container needs another value before
   * a separator may follow (a dict key waiting for its value).
   */
  private add(frame: Frame, value: unknown): boolean {
    switch (frame.kind) {
      case Kind.List:
      case Kind.Tuple:
        this.charge(COST.slot);
        frame.array!.push(value);
        return true;
      case Kind.Set:
        this.charge(COST.setEntry);
        frame.set!.add(value);
        return true;
      case Kind.Brace:
        this.skipSpace();
        if (this.text.charCodeAt(this.pos) === 0x3a) {
          frame.kind = Kind.Dict;
          frame.record = {};
          return this.add(frame, value);
        }
        frame.kind = Kind.Set;
        frame.set = new Set();
        this.charge(COST.set);
        return this.add(frame, value);
      case Kind.Dict:
        if (frame.key === undefined) {
          frame.key = this.dictKey(value);
          this.skipSpace();
          if (this.text.charCodeAt(this.pos) !== 0x3a) this.fail("expected ':' after a dict key");
          this.pos++;
          return false;
        }
        this.charge(COST.property);
        setProperty(frame.record!, frame.key, value);
        frame.key = undefined;
        return true;
    }
  }

  private finish(frame: Frame): unknown {
    switch (frame.kind) {
      case Kind.Tuple: {
        const items = frame.array!;
        // `(x)` is x in parentheses: how serpent writes a complex, `(1.5+2j)`.
        return items.length === 1 && !frame.comma ? items[0] : items;
      }
      case Kind.Dict:
        if (frame.key !== undefined) this.fail("dict key without a value", frame.start);
        return this.finishDict(frame.record!, frame.start);
      case Kind.Set:
        return frame.set;
      default:
        return frame.array;
    }
  }

  private finishDict(record: Record<string, unknown>, start: number): unknown {
    if (record.encoding === "base64" && typeof record.data === "string" && Object.keys(record).length === 2) {
      const bytes = Buffer.from(record.data, "base64");
      this.charge(COST.buffer + bytes.length);
      return bytes;
    }
    if (!Object.hasOwn(record, "__class__")) return record;
    try {
      return reviveSerpentDict(this.dialect, record, this.context);
    } catch (error) {
      if (error instanceof PyroError) throw error;
      throw asSerializeError(error, `invalid serpent class dict at byte ${Buffer.byteLength(this.text.slice(0, start), "utf8")}`);
    }
  }

  private emptyArray(): unknown[] {
    this.charge(COST.array);
    return [];
  }

  private emptyDict(): Record<string, unknown> {
    this.charge(COST.object);
    return {};
  }

  private scalar(c: number): unknown {
    if (c === 0x27 || c === 0x22) return this.strings();
    if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e) {
      const value = readNumber(this);
      this.charge(value instanceof Complex ? COST.complex : typeof value === "bigint" ? COST.scalar + (value.toString(16).length >> 1) : COST.scalar);
      return value;
    }
    const start = this.pos;
    if (this.text.startsWith("set", start)) {
      this.pos += 3;
      this.skipSpace();
      if (this.text.charCodeAt(this.pos) === 0x28) {
        this.pos++;
        this.skipSpace();
        if (this.text.charCodeAt(this.pos) !== 0x29) this.fail("only an empty set() is a literal", start);
        this.pos++;
        this.charge(COST.set);
        return new Set();
      }
      this.pos = start;
    }
    if (Number.isNaN(c)) this.fail("unexpected end of data");
    const name = this.readName();
    if (name !== STRING_PREFIX) {
      this.charge(COST.slot);
      return name;
    }
    return this.strings();
  }

  private strings(): string | Buffer {
    const value = readStrings(this);
    this.charge(typeof value === "string" ? COST.string + value.length : COST.buffer + value.length);
    return value;
  }

  private dictKey(key: unknown): string {
    if (typeof key === "string") return key;
    // Decimal text of a huge int costs time superlinear in its size; Python has the same limit on str(int).
    if (typeof key === "bigint" && (key >= DECIMAL_KEY_LIMIT || key <= -DECIMAL_KEY_LIMIT)) {
      this.fail(`an int dict key of more than ${MAX_INT_DIGITS} digits cannot become a JS object key (Python cannot print it either)`);
    }
    if (typeof key === "number" || typeof key === "bigint" || typeof key === "boolean" || key === null) {
      this.charge(COST.string);
      return String(key);
    }
    return this.fail(`a dict key must be a str, int, float, bool or None to become a JS object key, not ${keyKind(key)}`);
  }
}

function setProperty(record: Record<string, unknown>, key: string, value: unknown): void {
  // Assigning "__proto__" would replace the record's prototype instead of adding a key.
  if (key === "__proto__") Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

function describe(kind: Kind): string {
  return ["a list", "a tuple", "a dict or set", "a dict", "a set"][kind]!;
}

function keyKind(key: unknown): string {
  if (Array.isArray(key)) return "a tuple";
  if (Buffer.isBuffer(key)) return "bytes";
  if (key instanceof Complex) return "a complex";
  if (key instanceof Set) return "a set";
  return typeof key === "object" ? "a dict" : typeof key;
}

/** Offset of the first byte that breaks UTF-8 (only called once the buffer is known to be invalid). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const n = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    if (!isUtf8(bytes.subarray(i, i + n + 1))) return i;
    i += n + 1;
  }
  return i;
}
