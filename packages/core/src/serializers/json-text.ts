/**
 * The slow paths of the json serializer: JSON text with Python's `NaN`, `Infinity` and
 * `-Infinity` literals (which Python's json module reads and writes by default, and
 * `JSON.parse`/`JSON.stringify` do not), plus bigints written as plain integer text.
 * Only used when the fast native path cannot be.
 */
import { SerializeError } from "../errors.js";

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
 * Parses JSON text that may contain `NaN`, `Infinity` and `-Infinity`. A `__proto__` key becomes
 * `__proto_`, as on the fast path and in msgpackr, so no payload reaches a prototype.
 */
export function parsePython(text: string): unknown {
  const parser = new Parser(text);
  parser.space();
  const value = parser.value(0);
  parser.space();
  if (parser.pos !== text.length) parser.fail("unexpected text after the value");
  return value;
}

const MAX_DEPTH = 1000;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

class Parser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(why: string): never {
    throw new SerializeError(`invalid json data at offset ${this.pos}: ${why}`);
  }

  space(): void {
    const text = this.text;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      this.pos++;
    }
  }

  literal(word: string): boolean {
    if (!this.text.startsWith(word, this.pos)) return false;
    this.pos += word.length;
    return true;
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail("nested too deeply");
    const c = this.text[this.pos];
    if (c === "{") return this.object(depth);
    if (c === "[") return this.array(depth);
    if (c === '"') return this.string();
    if (this.literal("true")) return true;
    if (this.literal("false")) return false;
    if (this.literal("null")) return null;
    if (this.literal("NaN")) return NaN;
    if (this.literal("Infinity")) return Infinity;
    if (this.literal("-Infinity")) return -Infinity;
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail("unexpected character");
    this.pos += match[0].length;
    const number = Number(match[0]);
    // Integers beyond 2^53 stay exact as bigint (Python's int), as msgpack gives them.
    if (!Number.isSafeInteger(number) && /^-?\d+$/.test(match[0])) return BigInt(match[0]);
    return number;
  }

  string(): string {
    STRING.lastIndex = this.pos;
    const match = STRING.exec(this.text);
    if (!match) this.fail("invalid string");
    this.pos += match[0].length;
    return JSON.parse(match[0]) as string;
  }

  array(depth: number): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.space();
    if (this.literal("]")) return out;
    for (;;) {
      this.space();
      out.push(this.value(depth + 1));
      this.space();
      if (this.literal("]")) return out;
      if (!this.literal(",")) this.fail("expected ',' or ']'");
    }
  }

  object(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    this.space();
    if (this.literal("}")) return out;
    for (;;) {
      this.space();
      if (this.text[this.pos] !== '"') this.fail("expected a string key");
      let key = this.string();
      if (key === "__proto__") key = "__proto_";
      this.space();
      if (!this.literal(":")) this.fail("expected ':'");
      this.space();
      out[key] = this.value(depth + 1);
      this.space();
      if (this.literal("}")) return out;
      if (!this.literal(",")) this.fail("expected ',' or '}'");
    }
  }
}
