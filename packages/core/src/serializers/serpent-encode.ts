/**
 * The serpent encoder: JS values → Python literal text that `ast.literal_eval` (serpent.loads)
 * reads back, headed by serpent's `# serpent utf-8 python3.2` line.
 *
 * | JS value                               | serpent text (what Python gets)                                  |
 * | -------------------------------------- | ---------------------------------------------------------------- |
 * | null, undefined                        | `None`                                                           |
 * | boolean                                | `True` / `False`                                                 |
 * | safe integer number                    | `42` (int)                                                       |
 * | other finite number                    | `1.5`, `1e+300`, `9007199254740992.0` (float)                    |
 * | ±Infinity, NaN                         | `1e30000` / `-1e30000`; `{'__class__':'float','value':'nan'}` (serpent's forms) |
 * | bigint                                 | `123…` (int); beyond 4300 digits `0x…` (Python's digit limit spares hex) |
 * | string                                 | `'…'`, or `"…"` with JSON's escapes when it needs any (they mean the same in Python) |
 * | Buffer, Uint8Array, ArrayBuffer, views | `{'data': '<base64>', 'encoding': 'base64'}` (serpent's bytes form) |
 * | array                                  | `[…]` (list)                                                     |
 * | Set                                    | `{…}` (set) when every element is a str/number/bool/None; `()` when empty (serpent's form); otherwise `[…]` |
 * | Map                                    | dict; str, number, bigint, bool and null keys as Python keys, others as `String(key)` |
 * | plain object, class instance           | dict of its own enumerable properties                            |
 * | Date / {@link PyDate}                  | ISO text (serpent sends datetime and date as isoformat text)     |
 * | {@link Complex}                        | `(1.5-2.0j)`                                                     |
 * | Error, ExceptionWrapper, URI, ProxyRef, DaemonPlaceholder, autoproxied object | the dialect's class dict |
 * | function, symbol                       | `None`                                                           |
 *
 * Nesting deeper than {@link MAX_ENCODE_DEPTH} (or a cycle) is refused with SerializeError.
 */
import { SerializeError } from "../errors.js";
import { URI } from "../uri.js";
import type { PyroDialect } from "./dialect.js";
import { MAX_INT_DIGITS } from "./serpent-numbers.js";
import { AUTOPROXY, type AutoproxyTarget, Complex, DaemonPlaceholder, ExceptionWrapper, ProxyRef, PyDate } from "./values.js";

/** Serpent's header line, which every serpent payload starts with. */
export const SERPENT_HEADER = "# serpent utf-8 python3.2\n";

/** Containers nested deeper than this are refused (Python's parser stops at 200 anyway). */
export const MAX_ENCODE_DEPTH = 1000;

const NEEDS_ESCAPE = /[\u0000-\u001f'\\\ud800-\udfff]/;
const NAN_DICT = "{'__class__':'float','value':'nan'}";
/** The smallest positive bigint with more than {@link MAX_INT_DIGITS} decimal digits. */
const DECIMAL_LIMIT = 10n ** BigInt(MAX_INT_DIGITS);

/**
 * Python literal text for a JS string: `'…'` when nothing needs escaping, else JSON's string
 * text. Every escape JSON writes (`\"` `\\` `\b` `\f` `\n` `\r` `\t` `\uXXXX`, lone surrogates
 * included) means the same in a Python literal, and JSON leaves nothing raw that Python's
 * tokenizer refuses (line breaks, NUL): so V8's native stringifier does the work.
 */
export function strLiteral(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : "'" + text + "'";
}

/**
 * Serpent's own form for bytes, `{'data': '<base64>', 'encoding': 'base64'}`, exactly as Python's
 * serpent writes it: what a Python peer gets from a Python Pyro daemon too (`serpent.tobytes()`
 * turns it into bytes), half the size of a `b'…'` literal for binary data, and native-speed base64.
 */
export function bytesDict(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return "{'data': '" + buffer.toString("base64") + "', 'encoding': 'base64'}";
}

/** Python literal text for a number. */
export function numberLiteral(value: number): string {
  if (Number.isSafeInteger(value)) return String(value);
  if (value !== value) return NAN_DICT;
  if (value === Infinity) return "1e30000";
  if (value === -Infinity) return "-1e30000";
  const text = String(value);
  // JS writes 2**60 as plain digits, which Python would read as an int.
  return text.includes(".") || text.includes("e") ? text : text + ".0";
}

/** Python literal text for a bigint; hex beyond Python's 4300-digit limit on decimal ints. */
export function bigintLiteral(value: bigint): string {
  if (value < DECIMAL_LIMIT && value > -DECIMAL_LIMIT) return value.toString();
  return value < 0n ? "-0x" + (-value).toString(16) : "0x" + value.toString(16);
}

function complexLiteral(value: Complex): string {
  if (value.real !== value.real || value.imag !== value.imag) throw new SerializeError("serpent cannot express a complex number with a NaN part");
  const imag = numberLiteral(Math.abs(value.imag)).replace(/\.0$/, "");
  const sign = value.imag < 0 || Object.is(value.imag, -0) ? "-" : "+";
  return `(${numberLiteral(value.real)}${sign}${imag}j)`;
}

function isHashable(value: unknown): boolean {
  const type = typeof value;
  return type === "string" || type === "bigint" || type === "boolean" || value === null || (type === "number" && value === value);
}

/** Writes JS values as serpent text for one dialect. */
export class SerpentWriter {
  constructor(private readonly dialect: PyroDialect) {}

  /** The serpent text of a value, header included. */
  document(value: unknown): string {
    return SERPENT_HEADER + this.value(value, 0);
  }

  /** The serpent text of Pyro's call tuple `(object, method, (args…), kwargs)`, header included. */
  call(object: string, method: string, args: readonly unknown[], kwargs: Record<string, unknown> | null): string {
    const params = args.length === 1 ? "(" + this.value(args[0], 2) + ",)" : "(" + this.items(args, 2) + ")";
    return SERPENT_HEADER + "(" + strLiteral(object) + "," + strLiteral(method) + "," + params + "," + (kwargs === null ? "None" : this.value(kwargs, 1)) + ")";
  }

  /** Text of one value at nesting `depth`. */
  value(value: unknown, depth: number): string {
    switch (typeof value) {
      case "string":
        return strLiteral(value);
      case "number":
        return numberLiteral(value);
      case "boolean":
        return value ? "True" : "False";
      case "bigint":
        return bigintLiteral(value);
      case "object":
        return value === null ? "None" : this.object(value, depth);
      default:
        return "None";
    }
  }

  private items(values: Iterable<unknown>, depth: number): string {
    let out = "";
    let first = true;
    for (const item of values) {
      if (first) first = false;
      else out += ",";
      out += this.value(item, depth);
    }
    return out;
  }

  private object(value: object, depth: number): string {
    if (depth >= MAX_ENCODE_DEPTH) throw new SerializeError(`cannot serialize with serpent: nested deeper than ${MAX_ENCODE_DEPTH} levels (or circular)`);
    const inner = depth + 1;
    const constructor = value.constructor;
    if (constructor === Array || Array.isArray(value)) return "[" + this.items(value as unknown[], inner) + "]";
    if (constructor === Object || constructor === undefined) return this.record(value as Record<string, unknown>, inner);
    if (ArrayBuffer.isView(value)) return bytesDict(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    if (value instanceof ArrayBuffer) return bytesDict(new Uint8Array(value));
    const autoproxy = (value as AutoproxyTarget)[AUTOPROXY];
    if (autoproxy !== undefined) return this.value(this.dialect.objectDict(autoproxy()), inner);
    if (value instanceof Error) return this.value(this.dialect.exceptionDict(value, false), inner);
    if (value instanceof URI || value instanceof ProxyRef || value instanceof DaemonPlaceholder) return this.value(this.dialect.objectDict(value), inner);
    if (value instanceof ExceptionWrapper) return this.value(this.dialect.exceptionWrapperDict(value), inner);
    if (value instanceof Complex) return complexLiteral(value);
    if (value instanceof PyDate) return strLiteral(value.toString());
    if (value instanceof Date) {
      if (!Number.isFinite(value.getTime())) throw new SerializeError("cannot serialize an invalid Date");
      return strLiteral(value.toISOString());
    }
    if (value instanceof Map) return this.map(value, inner);
    if (value instanceof Set) return this.set(value, inner);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return this.value(toJSON.call(value), inner);
    return this.record(value as Record<string, unknown>, inner);
  }

  private record(record: Record<string, unknown>, depth: number): string {
    let out = "{";
    let first = true;
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      if (first) first = false;
      else out += ",";
      out += strLiteral(key) + ":" + this.value(record[key], depth);
    }
    return out + "}";
  }

  private map(map: Map<unknown, unknown>, depth: number): string {
    let out = "{";
    let first = true;
    for (const [key, item] of map) {
      if (first) first = false;
      else out += ",";
      out += (isHashable(key) ? this.value(key, depth) : key === undefined ? "None" : strLiteral(String(key))) + ":" + this.value(item, depth);
    }
    return out + "}";
  }

  private set(set: Set<unknown>, depth: number): string {
    if (set.size === 0) return "()";
    for (const item of set) if (!isHashable(item)) return "[" + this.items(set, depth) + "]";
    return "{" + this.items(set, depth) + "}";
  }
}
