/**
 * The serpent encoder: JS values → Python literal text that `ast.literal_eval` (serpent.loads)
 * reads back, headed by serpent's `# serpent utf-8 python3.2` line.
 *
 * | JS value                               | serpent text (what Python gets)                                  |
 * | -------------------------------------- | ---------------------------------------------------------------- |
 * | null, undefined                        | `None`                                                           |
 * | boolean                                | `True` / `False`                                                 |
 * | safe integer number                    | `42` (int)                                                       |
 * | other finite number, −0                | `1.5`, `1e+300`, `9007199254740992.0`, `-0.0` (float)            |
 * | ±Infinity, NaN                         | `1e30000` / `-1e30000`; `{'__class__':'float','value':'nan'}` (serpent's forms) |
 * | bigint                                 | `123…` (int); beyond 4300 digits `0x…` (Python's digit limit spares hex) |
 * | string                                 | `'…'`, or `"…"` with JSON's escapes when it needs any (they mean the same in Python) |
 * | Buffer, Uint8Array, DataView, ArrayBuffer | `{'data': '<base64>', 'encoding': 'base64'}` (serpent's bytes form) |
 * | Float64Array and other typed arrays    | `[…]` (list of their numbers)                                    |
 * | array                                  | `[…]` (list; holes `None`)                                       |
 * | Set                                    | `{…}` (set) when every element is a str/number/bool/None; `()` when empty (serpent's form); otherwise `[…]` |
 * | Map                                    | dict; str, number, bigint, bool and null keys as Python keys (NaN as `'NaN'`); other keys refused |
 * | plain object, class instance           | dict of its own enumerable properties (`undefined` ones left out), or its `toJSON()` |
 * | Date / {@link PyDate}                  | ISO text (serpent sends datetime and date as isoformat text)     |
 * | {@link Complex}                        | `(1.5-2.0j)`                                                     |
 * | Error, ExceptionWrapper, URI, ProxyRef, DaemonPlaceholder, autoproxied object | the dialect's class dict |
 *
 * What cannot be sent (functions, symbols, Promises, cycles, nesting deeper than
 * {@link MAX_SEND_DEPTH}, …: value-kinds.ts, docs/values.md) is refused with a SerializeError
 * that names its path, as the msgpack and json encoders do.
 */
import type { URI } from "../uri.js";
import type { PyroDialect } from "./dialect.js";
import { MAX_SEND_DEPTH, Refusal, indexStep, keyStep, mapStep, sendError, setStep, tooDeep, within } from "./refusal.js";
import { MAX_INT_DIGITS } from "./serpent-numbers.js";
import { isDecidingMethod, isPlain, isSimpleKey, kindOf, mapKeyRefusal, unsendablePrimitive } from "./value-kinds.js";
import { AUTOPROXY, type AutoproxyTarget, type Complex, type DaemonPlaceholder, type ExceptionWrapper, type ProxyRef, type PyDate } from "./values.js";

/** Serpent's header line, which every serpent payload starts with. */
export const SERPENT_HEADER = "# serpent utf-8 python3.2\n";

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
  if (value === 0 && 1 / value < 0) return "-0.0";
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
  if (value.real !== value.real || value.imag !== value.imag) {
    throw new Refusal("a Complex with a NaN part (serpent has no literal for it: use msgpack, or send [real, imag])", value);
  }
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

  /** The serpent text of a value, header included; refusals name their path from `what`. */
  document(value: unknown, what = "value"): string {
    try {
      return SERPENT_HEADER + this.value(value, 0);
    } catch (error) {
      throw sendError(error, what);
    }
  }

  /** The serpent text of Pyro's call tuple `(object, method, (args…), kwargs)`, header included. */
  call(object: string, method: string, args: readonly unknown[], kwargs: Record<string, unknown> | null): string {
    let params: string;
    try {
      params = args.length === 1 ? "(" + this.items(args, 2) + ",)" : "(" + this.items(args, 2) + ")";
    } catch (error) {
      throw sendError(error, "args");
    }
    let keywords: string;
    try {
      keywords = kwargs === null ? "None" : this.value(kwargs, 1);
    } catch (error) {
      throw sendError(error, "kwargs");
    }
    return SERPENT_HEADER + "(" + strLiteral(object) + "," + strLiteral(method) + "," + params + "," + keywords + ")";
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
      case "undefined":
        return "None";
      default:
        throw unsendablePrimitive(value);
    }
  }

  private items(values: Iterable<unknown>, depth: number, isSet = false): string {
    let out = "";
    let i = 0;
    try {
      for (const item of values) {
        if (i > 0) out += ",";
        out += this.value(item, depth);
        i++;
      }
    } catch (error) {
      throw within(error, values as object, isSet ? setStep(i) : indexStep(i));
    }
    return out;
  }

  private object(value: object, depth: number): string {
    if (depth >= MAX_SEND_DEPTH) throw tooDeep(value);
    const inner = depth + 1;
    const constructor = value.constructor;
    if (constructor === Array) return "[" + this.items(value as unknown[], inner) + "]";
    // Iterators inherit Object as their constructor too: record() sorts them out when it finds no keys.
    if (constructor === Object) return this.record(value as Record<string, unknown>, inner, false);
    return this.other(value, depth);
  }

  private other(value: object, depth: number): string {
    const inner = depth + 1;
    switch (kindOf(value)) {
      case "array":
        return "[" + this.items(value as unknown[], inner) + "]";
      case "record":
        return this.record(value as Record<string, unknown>, inner, false);
      case "instance":
        return this.record(value as Record<string, unknown>, inner, true);
      case "bytes":
        return bytesDict(
          ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : new Uint8Array(value as ArrayBufferLike),
        );
      case "numbers":
        return "[" + this.items(value as Float64Array, inner) + "]";
      case "date":
        if (!Number.isFinite((value as Date).getTime())) throw new Refusal("an invalid Date (its time is NaN)", value);
        return strLiteral((value as Date).toISOString());
      case "error":
        return this.replacement(value, this.dialect.exceptionDict(value, false), "", depth);
      case "exception-wrapper":
        return this.replacement(value, this.dialect.exceptionWrapperDict(value as ExceptionWrapper), "", depth);
      case "autoproxy":
        return this.value(this.dialect.objectDict((value as Required<AutoproxyTarget>)[AUTOPROXY]()), depth);
      case "pyro":
        return this.value(this.dialect.objectDict(value as URI | ProxyRef | DaemonPlaceholder), depth);
      case "complex":
        return complexLiteral(value as Complex);
      case "pydate":
        return strLiteral((value as PyDate).toString());
      case "map":
        return this.map(value as Map<unknown, unknown>, inner);
      case "set":
        return this.set(value as Set<unknown>, inner);
      case "tojson": {
        const json: unknown = (value as { toJSON(): unknown }).toJSON();
        // toJSON returning the object itself means "as it is", as for JSON.stringify.
        return json === value ? this.record(value as Record<string, unknown>, inner, true) : this.replacement(value, json, ".toJSON()", inner);
      }
      case "boxed":
        return this.replacement(value, (value as { valueOf(): unknown }).valueOf(), ".valueOf()", depth);
    }
  }

  /** Text of what stands for `owner` on the wire (its exception dict, toJSON() result, …), naming `step` on failure. */
  private replacement(owner: object, replacement: unknown, step: string, depth: number): string {
    if (depth >= MAX_SEND_DEPTH) throw tooDeep(owner);
    try {
      return this.value(replacement, depth);
    } catch (error) {
      throw within(error, owner, step);
    }
  }

  private record(record: Record<string, unknown>, depth: number, instance: boolean): string {
    let out = "{";
    let first = true;
    let key = "";
    let method: unknown;
    try {
      for (key in record) {
        if (instance && !Object.hasOwn(record, key)) continue;
        const item = record[key];
        if (item === undefined) continue;
        if (isDecidingMethod(record, key, item)) {
          method = item;
          break;
        }
        if (first) first = false;
        else out += ",";
        out += strLiteral(key) + ":" + this.value(item, depth);
      }
    } catch (error) {
      throw within(error, record, keyStep(key));
    }
    if (key === "" && !instance && !isPlain(record)) return this.other(record, depth - 1);
    if (method !== undefined) {
      // A registered object literal (looked for only here, where it shows: it has methods) is sent as a proxy.
      const autoproxy = (record as AutoproxyTarget)[AUTOPROXY];
      if (autoproxy !== undefined) return this.value(this.dialect.objectDict(autoproxy()), depth);
      // A record with its own toJSON method is sent as what that gives, as JSON.stringify does.
      return this.replacement(record, (method as () => unknown).call(record), ".toJSON()", depth);
    }
    return out + "}";
  }

  private map(map: Map<unknown, unknown>, depth: number): string {
    let out = "{";
    let first = true;
    for (const [key, item] of map) {
      if (!isSimpleKey(key)) throw mapKeyRefusal(key);
      if (first) first = false;
      else out += ",";
      // NaN is no usable Python key (serpent writes it as a dict): its text, as msgpack and json send it.
      out += (key === undefined ? "None" : isHashable(key) ? this.value(key, depth) : strLiteral(String(key))) + ":";
      try {
        out += this.value(item, depth);
      } catch (error) {
        throw within(error, map, mapStep(key));
      }
    }
    return out + "}";
  }

  private set(set: Set<unknown>, depth: number): string {
    if (set.size === 0) return "()";
    for (const item of set) if (!isHashable(item)) return "[" + this.items(set, depth, true) + "]";
    return "{" + this.items(set, depth, true) + "}";
  }
}
