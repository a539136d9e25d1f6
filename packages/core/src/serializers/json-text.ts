/**
 * The slow paths of the json serializer: JSON text with Python's `NaN`, `Infinity` and
 * `-Infinity` literals (which Python's json module reads and writes by default, and
 * `JSON.parse`/`JSON.stringify` do not), and integers beyond 2^53 kept exact as bigint.
 * Only used when the fast native path cannot be.
 *
 * The parser keeps its open arrays and objects on an explicit stack (no recursion, so no input
 * can overflow the call stack), refuses nesting deeper than `maxDepth`, counts what it builds
 * against a cost budget (see budget.ts) when given one, and keeps a `__proto__` key an own data
 * property. It builds plain data only; json-decode.ts revives Pyro's dicts.
 */
import { SerializeError } from "../errors.js";
import { ARRAY_COST, ENTRY_COST, MAP_COST, MAX_INTEGER_DIGITS, SLOT_COST, STRING_COST, overBudget, tooDeep } from "./budget.js";
import { setOwn } from "./classes.js";

/** JSON text for a value that may hold non-finite numbers or bigints (JSON.stringify rules otherwise). */
export function stringifyPython(value: unknown, key = ""): string | undefined {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      if (Number.isFinite(value)) return JSON.stringify(value);
      return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
    case "object": {
      if (value === null) return "null";
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === "function") return stringifyPython(toJSON.call(value, key), key);
      if (Array.isArray(value)) return "[" + value.map((item, i) => stringifyPython(item, String(i)) ?? "null").join(",") + "]";
      const parts: string[] = [];
      for (const k of Object.keys(value)) {
        const text = stringifyPython((value as Record<string, unknown>)[k], k);
        if (text !== undefined) parts.push(JSON.stringify(k) + ":" + text);
      }
      return "{" + parts.join(",") + "}";
    }
    default:
      return undefined;
  }
}

/**
 * Parses JSON text that may contain `NaN`, `Infinity`, `-Infinity` and integers beyond 2^53
 * (as bigint). Throws SerializeError on invalid text, nesting deeper than `maxDepth`, or values
 * that would cost more than `budget` (for a payload of `length` bytes, named in the error).
 */
export function parsePython(text: string, maxDepth: number, budget = Infinity, length = text.length): unknown {
  return new Parser(text, maxDepth, budget, length).parse();
}

/** An open array or object on the parser's stack; `key` is the pending key of an object. */
interface Open {
  readonly container: unknown[] | Record<string, unknown>;
  key: string | undefined;
}

class Parser {
  private pos = 0;
  private cost = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
    private readonly budget: number,
    private readonly length: number,
  ) {}

  parse(): unknown {
    const stack: Open[] = [];
    let value: unknown;
    for (;;) {
      this.space();
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
        if (stack.length >= this.maxDepth) throw tooDeep("json", this.maxDepth);
        this.charge(c === 0x7b ? MAP_COST : ARRAY_COST);
        this.pos++;
        const open: Open = { container: c === 0x7b ? {} : [], key: undefined };
        stack.push(open);
        this.space();
        const close = this.text.charCodeAt(this.pos);
        if (close === (c === 0x7b ? 0x7d : 0x5d)) {
          this.pos++;
          stack.pop();
          value = open.container;
        } else {
          if (c === 0x7b) open.key = this.key();
          continue;
        }
      } else {
        value = this.scalar(c);
      }
      // A value is complete: store it in its container, and close every container that ends here.
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) {
          this.space();
          if (this.pos !== this.text.length) this.fail("unexpected text after the value");
          return value;
        }
        if (Array.isArray(top.container)) {
          this.charge(SLOT_COST);
          top.container.push(value);
        } else {
          this.charge(SLOT_COST + ENTRY_COST);
          setOwn(top.container, top.key!, value);
        }
        this.space();
        const c = this.text.charCodeAt(this.pos++);
        if (c === 0x2c /* , */) {
          if (!Array.isArray(top.container)) top.key = this.key();
          break;
        }
        if (c === (Array.isArray(top.container) ? 0x5d : 0x7d)) {
          stack.pop();
          value = top.container;
          continue;
        }
        this.pos--;
        this.fail(Array.isArray(top.container) ? "expected ',' or ']'" : "expected ',' or '}'");
      }
    }
  }

  private charge(cost: number): void {
    this.cost += cost;
    if (this.cost > this.budget) throw overBudget("json", this.length, this.budget);
  }

  private fail(why: string): never {
    throw new SerializeError(`invalid json data at offset ${this.pos}: ${why}`);
  }

  private space(): void {
    const text = this.text;
    let i = this.pos;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    this.pos = i;
  }

  /** An object key and its colon. */
  private key(): string {
    this.space();
    if (this.text.charCodeAt(this.pos) !== 0x22) this.fail("expected a string key");
    const key = this.string();
    this.space();
    if (this.text.charCodeAt(this.pos) !== 0x3a /* : */) this.fail("expected ':'");
    this.pos++;
    return key;
  }

  private scalar(c: number): unknown {
    if (c === 0x22) return this.string();
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      if (c === 0x2d && this.text.startsWith("-Infinity", this.pos)) return this.literal("-Infinity", -Infinity);
      return this.number();
    }
    if (c === 0x74) return this.literal("true", true);
    if (c === 0x66) return this.literal("false", false);
    if (c === 0x6e) return this.literal("null", null);
    if (c === 0x4e) return this.literal("NaN", NaN);
    if (c === 0x49) return this.literal("Infinity", Infinity);
    return this.fail(Number.isNaN(c) ? "unexpected end of text" : "unexpected character");
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail("unexpected character");
    this.pos += word.length;
    return value;
  }

  private string(): string {
    const text = this.text;
    const start = this.pos;
    let escaped = false;
    let i = start + 1;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c < 0x20 || Number.isNaN(c)) {
        this.pos = i;
        this.fail(Number.isNaN(c) ? "unterminated string" : "control character in a string");
      }
      i++;
    }
    this.pos = i + 1;
    this.charge(STRING_COST + i - start);
    if (!escaped) return text.slice(start + 1, i);
    try {
      // The escapes are JSON's own: the native parser decodes (and checks) them.
      return JSON.parse(text.slice(start, i + 1)) as string;
    } catch {
      this.pos = start;
      return this.fail("invalid escape in a string");
    }
  }

  private number(): number | bigint {
    const text = this.text;
    const start = this.pos;
    let i = start;
    if (text.charCodeAt(i) === 0x2d) i++;
    const digitsStart = i;
    i = this.digits(i);
    if (i === digitsStart || (text.charCodeAt(digitsStart) === 0x30 && i - digitsStart > 1)) this.fail("invalid number");
    let integer = true;
    if (text.charCodeAt(i) === 0x2e /* . */) {
      integer = false;
      const fraction = i + 1;
      i = this.digits(fraction);
      if (i === fraction) this.fail("invalid number");
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      integer = false;
      i++;
      const sign = text.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      const exponent = i;
      i = this.digits(exponent);
      if (i === exponent) this.fail("invalid number");
    }
    this.pos = i;
    const token = text.slice(start, i);
    const number = Number(token);
    if (!integer || Number.isSafeInteger(number)) return number;
    // Integers beyond 2^53 stay exact as bigint (Python's int), as msgpack gives them.
    if (i - digitsStart > MAX_INTEGER_DIGITS) {
      this.pos = start;
      this.fail(`integer of ${i - digitsStart} digits exceeds the limit of ${MAX_INTEGER_DIGITS} digits (Python's own)`);
    }
    return BigInt(token);
  }

  private digits(from: number): number {
    const text = this.text;
    let i = from;
    for (;;) {
      const c = text.charCodeAt(i);
      if (!(c >= 0x30 && c <= 0x39)) return i;
      i++;
    }
  }
}
