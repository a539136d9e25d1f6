/**
 * The json serializer (Pyro4 id 2): UTF-8 JSON text.
 *
 * | JS value                         | JSON                                                 |
 * | -------------------------------- | ---------------------------------------------------- |
 * | Buffer / Uint8Array / ArrayBuffer| `{"data": "<base64>", "encoding": "base64"}`         |
 * | bigint                           | integer text (Python reads an int)                   |
 * | NaN, Infinity, -Infinity         | the literals `NaN`, `Infinity`, `-Infinity` (Python's) |
 * | Map / Set                        | object (keys as strings) / array                     |
 * | Error (anywhere in the value)    | Pyro4 exception dict (see classes.ts)                |
 * | URI, ProxyRef, DaemonPlaceholder | Pyro4 class dicts (their `toJSON()`)                 |
 * | Date                             | ISO text (as Pyro4 sends a datetime)                 |
 *
 * A call is `{"object", "method", "params", "kwargs"}`. Decoding: the base64 map above becomes a
 * Buffer; class dicts are revived; an own `__proto__` key (JSON.parse makes one) is renamed
 * `__proto_`, the same as msgpackr does, so both serializers give the same value and no payload
 * can reach a prototype. The decode walk runs only when the text contains `__`, `base64` or a
 * `\u` escape (which could spell either). Integers beyond 2^53 become bigint (Python's int).
 */
import { SerializeError } from "../errors.js";
import { URI } from "../uri.js";
import { checkCallFields, describeValue } from "./call.js";
import { CLASS_KEY, asSerializeError, dictToClass, exceptionToDict } from "./classes.js";
import { parsePython, stringifyPython } from "./json-text.js";
import { type CallRequest, DEFAULT_DECODE_CONTEXT, type DecodeContext, type Serializer } from "./types.js";
import { AUTOPROXY, type AutoproxyTarget, DaemonPlaceholder, ExceptionWrapper, ProxyRef } from "./values.js";

/** Set by the prepare walk when the value needs the slow stringifier. */
let needsPythonText = false;

function prepare(value: unknown): unknown {
  if (typeof value === "object") return value === null ? value : prepareObject(value);
  if (typeof value === "number") {
    if (value - value !== 0) needsPythonText = true; // NaN or ±Infinity
    return value;
  }
  if (typeof value === "bigint") needsPythonText = true;
  return value;
}

function bytesDict(bytes: Uint8Array | ArrayBuffer): { data: string; encoding: "base64" } {
  const buffer = bytes instanceof ArrayBuffer ? Buffer.from(bytes) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { data: buffer.toString("base64"), encoding: "base64" };
}

function prepareObject(value: object): unknown {
  const constructor = value.constructor;
  if (constructor === Array) return prepareArray(value as unknown[]);
  if (constructor === Object) return prepareRecord(value as Record<string, unknown>);
  if (Array.isArray(value)) return prepareArray(value);
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return prepareRecord(value as Record<string, unknown>);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return bytesDict(value as Uint8Array);
  const autoproxy = (value as AutoproxyTarget)[AUTOPROXY];
  if (autoproxy !== undefined) return autoproxy();
  if (value instanceof Error) return prepare(exceptionToDict(value, false));
  if (value instanceof Date || value instanceof URI || value instanceof ProxyRef || value instanceof DaemonPlaceholder) return value;
  if (value instanceof ExceptionWrapper) {
    return { __class__: "Pyro4.futures._ExceptionWrapper", exception: prepare(exceptionToDict(value.error, value.includeTraceback)) };
  }
  if (value instanceof Map) {
    const record: Record<string, unknown> = {};
    for (const [k, v] of value) setKey(record, String(k), prepare(v));
    return record;
  }
  if (value instanceof Set) return prepareArray([...value]);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    const json: unknown = toJSON.call(value);
    const prepared = prepare(json);
    return prepared === json ? value : prepared;
  }
  return prepareRecord(value as Record<string, unknown>);
}

function prepareArray(array: unknown[]): unknown[] {
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    if (typeof item === "string") continue;
    const prepared = prepare(item);
    if (prepared !== item) {
      const copy = array.slice(0, i);
      copy.push(prepared);
      for (let j = i + 1; j < array.length; j++) copy.push(prepare(array[j]));
      return copy;
    }
  }
  return array;
}

function prepareRecord(record: Record<string, unknown>): unknown {
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const item = record[key];
    if (typeof item === "string") continue;
    const prepared = prepare(item);
    if (prepared !== item) {
      // Copy on the first change: keys before it as they are, the rest prepared.
      const copy: Record<string, unknown> = {};
      let after = false;
      for (const k of Object.keys(record)) {
        if (k === key) after = true;
        setKey(copy, k, k === key ? prepared : after ? prepare(record[k]) : record[k]);
      }
      return copy;
    }
  }
  return record;
}

function setKey(record: Record<string, unknown>, key: string, value: unknown): void {
  // A plain assignment of "__proto__" would replace the record's prototype.
  if (key === "__proto__") Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

function toText(value: unknown): string {
  needsPythonText = false;
  let text: string | undefined;
  try {
    const prepared = prepare(value);
    text = needsPythonText ? stringifyPython(prepared) : JSON.stringify(prepared);
  } catch (error) {
    throw asSerializeError(error, "cannot serialize with json");
  }
  return text ?? "null";
}

function toBuffer(text: string, reserve: number): Buffer {
  if (!(reserve >= 0 && reserve <= 255 && Number.isInteger(reserve))) throw new RangeError(`reserve must be 0..255, got ${reserve}`);
  if (reserve === 0) return Buffer.from(text, "utf8");
  const buffer = Buffer.allocUnsafe(reserve + Buffer.byteLength(text, "utf8"));
  buffer.write(text, reserve, "utf8");
  return buffer;
}

/** Renames own `__proto__` keys, turns base64 maps into Buffers and revives class dicts, in place. */
function revive(value: unknown, context: DecodeContext): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i], context);
    return value;
  }
  const record = value as Record<string, unknown>;
  if (Object.hasOwn(record, "__proto__")) {
    const inner = record["__proto__"];
    delete record["__proto__"];
    record["__proto_"] = inner;
  }
  let count = 0;
  for (const key in record) {
    count++;
    const item = record[key];
    if (item !== null && typeof item === "object") record[key] = revive(item, context);
  }
  if (count === 2 && record.encoding === "base64" && typeof record.data === "string") return Buffer.from(record.data, "base64");
  return Object.hasOwn(record, CLASS_KEY) ? dictToClass(record, context) : record;
}

const LONG_DIGITS = /\d{16}/;

function fromText(data: Uint8Array, context: DecodeContext): unknown {
  const text = (Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)).toString("utf8");
  let value: unknown;
  try {
    // 16 digits in a row may be an integer beyond 2^53, which JSON.parse would round.
    value = LONG_DIGITS.test(text) ? parsePython(text) : JSON.parse(text);
  } catch (error) {
    try {
      value = parsePython(text);
    } catch {
      throw new SerializeError(`invalid json data: ${(error as Error).message}`, { cause: error });
    }
  }
  // Cheap scans first: "__" and "\\u" are near-free; "base64" (the bytes dict's value) costs ~2% of a parse.
  if (!(text.includes("__") || text.includes("\\u") || text.includes("base64"))) return value;
  try {
    return revive(value, context);
  } catch (error) {
    throw asSerializeError(error, "invalid json data");
  }
}

/** Pyro4's json serializer (id 2). */
export const jsonSerializer: Serializer = {
  id: 2,
  name: "json",
  encode(value: unknown, reserve = 0): Buffer {
    return toBuffer(toText(value), reserve);
  },
  decode(data: Uint8Array, context: DecodeContext = DEFAULT_DECODE_CONTEXT): unknown {
    return fromText(data, context);
  },
  encodeCall(object: string, method: string, args: readonly unknown[], kwargs: Record<string, unknown> | null, reserve = 0): Buffer {
    return toBuffer(toText({ object, method, params: args, kwargs }), reserve);
  },
  decodeCall(data: Uint8Array, context: DecodeContext = DEFAULT_DECODE_CONTEXT): CallRequest {
    const value = fromText(data, context);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new SerializeError(`invalid call payload: expected a JSON object {object, method, params, kwargs}, got ${describeValue(value)}`);
    }
    const call = value as Record<string, unknown>;
    return checkCallFields(call.object, call.method, call.params, call.kwargs ?? null);
  },
};
