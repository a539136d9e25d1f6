/**
 * The json serializer (Pyro4 id 2): UTF-8 JSON text. What each JS value becomes, for all three
 * serializers, is docs/values.md; json's column:
 *
 * | JS value                         | JSON                                                 |
 * | -------------------------------- | ---------------------------------------------------- |
 * | Buffer, Uint8Array, DataView, ArrayBuffer | `{"data": "<base64>", "encoding": "base64"}` |
 * | Float64Array, Int32Array, …      | array of their numbers                               |
 * | bigint                           | integer text (Python reads an int; at most 4300 digits) |
 * | NaN, Infinity, -Infinity, −0     | `NaN`, `Infinity`, `-Infinity`, `-0.0` (Python's literals) |
 * | Map / Set                        | object (keys as text: `String(key)`, in the Map's order) / array |
 * | Error (anywhere in the value)    | the dialect's exception dict (Pyro4's: classes.ts)   |
 * | URI, ProxyRef, DaemonPlaceholder | the dialect's class dicts (Pyro4's: their `toJSON()`) |
 * | Date, {@link PyDate}             | ISO text (as Pyro4 sends a datetime and a date)      |
 * | {@link Complex}                  | `{"real": …, "imag": …}` (Python's json has no complex) |
 * | an own `__proto__` key           | an ordinary key `"__proto__"`                        |
 *
 * The shared prepare walk (prepare-walk.ts) converts and refuses; the rules of this column are
 * below. A call is `{"object", "method", "params", "kwargs"}`. Decoding (json-decode.ts) runs
 * within the receiver's decode limits: the base64 map above becomes a Buffer, class dicts are
 * revived, a `__proto__` key stays an own data property (as JSON.parse makes it), and integers
 * beyond 2^53 become bigint (Python's int).
 */
import { SerializeError } from "../errors.js";
import { checkCallFields, describeValue } from "./call.js";
import { asSerializeError, setOwn } from "./classes.js";
import { PYRO4_DIALECT, type PyroDialect } from "./dialect.js";
import { checkPayloadSize } from "./budget.js";
import { decodeJsonText } from "./json-decode.js";
import { stringifyPython } from "./json-text.js";
import { PrepareWalk, type WireRules, prepareCallArguments, preparePayload } from "./prepare-payload.js";
import { prepareRecord } from "./prepare-walk.js";
import { type CallRequest, DEFAULT_DECODE_CONTEXT, type DecodeContext, type Serializer } from "./types.js";
import { PYTHON_DECIMAL_LIMIT, tooManyDigits } from "./value-kinds.js";
import type { Complex, PyDate } from "./values.js";

/** How json writes what the prepare walk leaves to its serializer. */
const JSON_RULES: WireRules = Object.freeze({
  name: "json",
  number(value: number, walk: PrepareWalk): unknown {
    // NaN, ±Infinity, −0, and floats from 2^53 to 1e21 (integral, all of them): JSON.stringify
    // would write null, null, 0, and digits that Python reads as an int, and not of this value.
    if (value - value !== 0 || value === 0 || (Math.abs(value) >= 2 ** 53 && Math.abs(value) < 1e21)) walk.pythonText = true;
    return value;
  },
  bigint(value: bigint, walk: PrepareWalk): unknown {
    if (value >= PYTHON_DECIMAL_LIMIT || value <= -PYTHON_DECIMAL_LIMIT) throw tooManyDigits(value, "json");
    walk.pythonText = true;
    return value;
  },
  bytes(value: Uint8Array): unknown {
    const buffer = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return { data: buffer.toString("base64"), encoding: "base64" };
  },
  textKeyed(map: Map<string, unknown>, walk: PrepareWalk): unknown {
    // A JS object puts integer-like keys first; only the slow writer keeps the Map's order then.
    for (const key of map.keys()) {
      if (INDEX_LIKE.test(key)) {
        walk.pythonText = true;
        return map;
      }
    }
    const record: Record<string, unknown> = {};
    for (const [key, value] of map) setOwn(record, key, value);
    return record;
  },
  date: (value: Date): unknown => value.toISOString(),
  complex(value: Complex, walk: PrepareWalk): unknown {
    // Python's json has no complex either: its fields, as for any class instance.
    return prepareRecord({ real: value.real, imag: value.imag }, walk, 1, false);
  },
  pyDate: (value: PyDate): unknown => value.toString(),
});

/** Keys that a JS object would move to its front. */
const INDEX_LIKE = /^(?:0|[1-9]\d{0,9})$/;

/** JSON text of a prepared value: the native stringifier unless Python's literals are needed. */
function stringify(prepared: unknown, walk: PrepareWalk): string {
  let text: string | undefined;
  try {
    text = walk.pythonText ? stringifyPython(prepared) : JSON.stringify(prepared);
  } catch (error) {
    throw asSerializeError(error, "cannot serialize with json");
  }
  return text ?? "null";
}

function toText(value: unknown, dialect: PyroDialect, what: string): string {
  const walk = new PrepareWalk(JSON_RULES, dialect);
  return stringify(preparePayload(value, walk, what), walk);
}

function callText(object: string, method: string, args: readonly unknown[], kwargs: Record<string, unknown> | null, dialect: PyroDialect): string {
  const walk = new PrepareWalk(JSON_RULES, dialect);
  const [params, preparedKwargs] = prepareCallArguments(args, kwargs, walk);
  return stringify({ object, method, params, kwargs: preparedKwargs }, walk);
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
    encode(value: unknown, reserve = 0, what = "value"): Buffer {
      return toBuffer(toText(value, dialect, what), reserve);
    },
    decode(data: Uint8Array, context: DecodeContext = DEFAULT_DECODE_CONTEXT): unknown {
      return fromText(data, context, dialect);
    },
    encodeCall(object: string, method: string, args: readonly unknown[], kwargs: Record<string, unknown> | null, reserve = 0): Buffer {
      return toBuffer(callText(object, method, args, kwargs, dialect), reserve);
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
