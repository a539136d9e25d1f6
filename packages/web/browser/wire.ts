/**
 * Values between the browser and the gateway, mapped as pyrots' json serializer maps them:
 *
 * | JavaScript                              | JSON text                                        |
 * | --------------------------------------- | ------------------------------------------------ |
 * | Uint8Array, ArrayBuffer, other views    | `{"data": "<base64>", "encoding": "base64"}` (read back as Uint8Array) |
 * | bigint (and integers beyond 2^53 read)  | integer text                                     |
 * | NaN, Infinity, -Infinity                | Python's literals `NaN`, `Infinity`, `-Infinity` |
 * | Map / Set                               | object (keys as text) / array                    |
 * | Date                                    | ISO text                                         |
 *
 * Reading is bounded in depth; text that plain `JSON.parse` reads exactly goes through it.
 */

/** Deepest nesting written or read. */
export const MAX_DEPTH = 512;

/** JSON text of `value` (see the table above). */
export function toJsonText(value: unknown): string {
  return write(value, 0) ?? "null";
}

function write(value: unknown, depth: number): string | undefined {
  if (depth > MAX_DEPTH) throw new RangeError(`value nested deeper than ${MAX_DEPTH} levels`);
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return "null";
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return `{"data":${JSON.stringify(toBase64(bytesOf(value)))},"encoding":"base64"}`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value) || value instanceof Set) return `[${[...value].map((item) => write(item, depth + 1) ?? "null").join(",")}]`;
  if (value instanceof Map)
    return record(
      [...value].map(([k, v]) => [String(k), v]),
      depth,
    );
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return write(toJSON.call(value), depth + 1);
  return record(Object.entries(value as Record<string, unknown>), depth);
}

function record(entries: [string, unknown][], depth: number): string {
  const parts: string[] = [];
  for (const [key, item] of entries) {
    const text = write(item, depth + 1);
    if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(",")}}`;
}

function bytesOf(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  return value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/** Base64 of bytes. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Bytes of base64 text. */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const LONG_DIGITS = /\d{16}/;

/** The value of JSON text from the gateway (see the table above). Throws SyntaxError. */
export function fromJsonText(text: string): unknown {
  let value: unknown;
  if (LONG_DIGITS.test(text)) {
    value = new LenientParser(text).parse();
  } else {
    try {
      value = JSON.parse(text);
    } catch {
      value = new LenientParser(text).parse();
    }
  }
  return revive(value, 0);
}

/** Turns base64 dicts into Uint8Array, in place. */
function revive(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== "object" || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i], depth + 1);
    return value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 2 && record.encoding === "base64" && typeof record.data === "string") return fromBase64(record.data);
  for (const key of keys) record[key] = revive(record[key], depth + 1);
  return value;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/** JSON plus Python's non-finite literals, integers beyond 2^53 as bigint, bounded depth. */
class LenientParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parse(): unknown {
    this.space();
    const value = this.value(0);
    this.space();
    if (this.pos !== this.text.length) this.fail("unexpected text after the value");
    return value;
  }

  private fail(why: string): never {
    throw new SyntaxError(`invalid JSON at offset ${this.pos}: ${why}`);
  }

  private space(): void {
    while (this.pos < this.text.length && " \n\r\t".includes(this.text[this.pos]!)) this.pos++;
  }

  private literal(word: string): boolean {
    if (!this.text.startsWith(word, this.pos)) return false;
    this.pos += word.length;
    return true;
  }

  private value(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail("nested too deeply");
    const c = this.text[this.pos];
    if (c === "{") return this.object(depth);
    if (c === "[") return this.array(depth);
    if (c === '"') return this.string();
    for (const [word, value] of LITERALS) if (this.literal(word)) return value;
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail("unexpected character");
    this.pos += match[0].length;
    const number = Number(match[0]);
    return !Number.isSafeInteger(number) && /^-?\d+$/.test(match[0]) ? BigInt(match[0]) : number;
  }

  private string(): string {
    STRING.lastIndex = this.pos;
    const match = STRING.exec(this.text);
    if (!match) this.fail("invalid string");
    this.pos += match[0].length;
    return JSON.parse(match[0]) as string;
  }

  private array(depth: number): unknown[] {
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

  private object(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    this.space();
    if (this.literal("}")) return out;
    for (;;) {
      this.space();
      if (this.text[this.pos] !== '"') this.fail("expected a string key");
      const key = this.string();
      this.space();
      if (!this.literal(":")) this.fail("expected ':'");
      this.space();
      Object.defineProperty(out, key, { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
      this.space();
      if (this.literal("}")) return out;
      if (!this.literal(",")) this.fail("expected ',' or '}'");
    }
  }
}

const LITERALS: readonly [string, unknown][] = [
  ["true", true],
  ["false", false],
  ["null", null],
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["-Infinity", -Infinity],
];
