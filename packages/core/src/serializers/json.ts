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
 * | an own `__proto__` key           | an ordinary key `"__proto__"`                        |
 *
 * A call is `{"object", "method", "params", "kwargs"}`. Decoding (json-decode.ts) runs within the
 * receiver's decode limits: the base64 map above becomes a Buffer, class dicts are revived, a
 * `__proto__` key stays an own data property (as JSON.parse makes it), and integers beyond 2^53
 * become bigint (Python's int).
 */
import { SerializeError } from "../errors.js";
import { URI } from "../uri.js";
import { checkCallFields, describeValue } from "./call.js";
import { asSerializeError, setOwn } from "./classes.js";
import { PYRO4_DIALECT, type PyroDialect } from "./dialect.js";
import { checkPayloadSize } from "./budget.js";
import { decodeJsonText } from "./json-decode.js";
import { stringifyPython } from "./json-text.js";
import { type CallRequest, DEFAULT_DECODE_CONTEXT, type DecodeContext, type Serializer } from "./types.js";
import { AUTOPROXY, type AutoproxyTarget, DaemonPlaceholder, ExceptionWrapper, ProxyRef } from "./values.js";

/** What one prepare walk noticed on its way. */
interface PrepareState {
  /** The value holds NaN, ±Infinity or a bigint, which only the slow stringifier writes as Python does. */
  pythonText: boolean;
  /** The Pyro version whose class dicts stand for URIs, proxies and errors. */
  readonly dialect: PyroDialect;
}

function prepare(value: unknown, state: PrepareState): unknown {
  if (typeof value === "object") return value === null ? value : prepareObject(value, state);
  if (typeof value === "number") {
    if (value - value !== 0) state.pythonText = true; // NaN or ±Infinity
    return value;
  }
  if (typeof value === "bigint") state.pythonText = true;
  return value;
}

function bytesDict(bytes: Uint8Array | ArrayBuffer): { data: string; encoding: "base64" } {
  const buffer = bytes instanceof ArrayBuffer ? Buffer.from(bytes) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { data: buffer.toString("base64"), encoding: "base64" };
}

function prepareObject(value: object, state: PrepareState): unknown {
  const constructor = value.constructor;
  if (constructor === Array) return prepareArray(value as unknown[], state);
  if (constructor === Object) return prepareRecord(value as Record<string, unknown>, state);
  if (Array.isArray(value)) return prepareArray(value, state);
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return prepareRecord(value as Record<string, unknown>, state);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return bytesDict(value as Uint8Array);
  const autoproxy = (value as AutoproxyTarget)[AUTOPROXY];
  if (autoproxy !== undefined) return pyroObject(autoproxy(), state);
  if (value instanceof Error) return prepare(state.dialect.exceptionDict(value, false), state);
  if (value instanceof Date) return value;
  if (value instanceof URI || value instanceof ProxyRef || value instanceof DaemonPlaceholder) return pyroObject(value, state);
  if (value instanceof ExceptionWrapper) return prepare(state.dialect.exceptionWrapperDict(value), state);
  if (value instanceof Map) {
    const record: Record<string, unknown> = {};
    for (const [k, v] of value) setOwn(record, typeof k === "string" ? k : String(k), prepare(v, state));
    return record;
  }
  if (value instanceof Set) return prepareArray([...value], state);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    const json: unknown = toJSON.call(value);
    const prepared = prepare(json, state);
    return prepared === json ? value : prepared;
  }
  return prepareRecord(value as Record<string, unknown>, state);
}

/** Pyro4's objects go as they are (their `toJSON()`); other dialects' as their class dicts. */
function pyroObject(value: URI | ProxyRef | DaemonPlaceholder, state: PrepareState): unknown {
  return state.dialect === PYRO4_DIALECT ? value : prepare(state.dialect.objectDict(value), state);
}

function prepareArray(array: unknown[], state: PrepareState): unknown[] {
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    if (typeof item === "string") continue;
    const prepared = prepare(item, state);
    if (prepared !== item) {
      const copy = array.slice(0, i);
      copy.push(prepared);
      for (let j = i + 1; j < array.length; j++) copy.push(prepare(array[j], state));
      return copy;
    }
  }
  return array;
}

function prepareRecord(record: Record<string, unknown>, state: PrepareState): unknown {
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const item = record[key];
    if (typeof item === "string") continue;
    const prepared = prepare(item, state);
    if (prepared !== item) {
      // Copy on the first change: keys before it as they are, the rest prepared.
      const copy: Record<string, unknown> = {};
      let after = false;
      for (const k of Object.keys(record)) {
        if (k === key) after = true;
        setOwn(copy, k, k === key ? prepared : after ? prepare(record[k], state) : record[k]);
      }
      return copy;
    }
  }
  return record;
}

function toText(value: unknown, dialect: PyroDialect): string {
  const state: PrepareState = { pythonText: false, dialect };
  let text: string | undefined;
  try {
    const prepared = prepare(value, state);
    text = state.pythonText ? stringifyPython(prepared) : JSON.stringify(prepared);
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

function fromText(data: Uint8Array, context: DecodeContext, dialect: PyroDialect): unknown {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  checkPayloadSize(bytes.length, context.limits, "json");
  return decodeJsonText(bytes.toString("utf8"), bytes.length, context, dialect);
}

/** A json serializer for one Pyro dialect (class names); its `id` is Pyro4's, 2, in both (Pyro5's 3 is translated in `protocol/pyro5.ts`). */
export function createJsonSerializer(dialect: PyroDialect): Serializer {
  return {
    id: 2,
    name: "json",
    encode(value: unknown, reserve = 0): Buffer {
      return toBuffer(toText(value, dialect), reserve);
    },
    decode(data: Uint8Array, context: DecodeContext = DEFAULT_DECODE_CONTEXT): unknown {
      return fromText(data, context, dialect);
    },
    encodeCall(object: string, method: string, args: readonly unknown[], kwargs: Record<string, unknown> | null, reserve = 0): Buffer {
      return toBuffer(toText({ object, method, params: args, kwargs }, dialect), reserve);
    },
    decodeCall(data: Uint8Array, context: DecodeContext = DEFAULT_DECODE_CONTEXT): CallRequest {
      const value = fromText(data, context, dialect);
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new SerializeError(`invalid call payload: expected a JSON object {object, method, params, kwargs}, got ${describeValue(value)}`);
      }
      const call = value as Record<string, unknown>;
      return checkCallFields(call.object, call.method, call.params, call.kwargs ?? null);
    },
  };
}

/** Pyro4's json serializer (id 2). */
export const jsonSerializer: Serializer = createJsonSerializer(PYRO4_DIALECT);
