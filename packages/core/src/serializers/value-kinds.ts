/**
 * What a JS value is, as far as the encoders care: one classification shared by the msgpack and
 * json prepare walk (prepare-walk.ts) and the serpent writer (serpent-encode.ts), and the
 * refusals for what cannot cross the wire. docs/values.md is the table users read.
 *
 * Plain arrays and plain objects are told apart by the callers themselves (a constructor test,
 * the common case); {@link kindOf} sorts everything else.
 */
import { URI } from "../uri.js";
import { MAX_INTEGER_DIGITS } from "./budget.js";
import { Refusal } from "./refusal.js";
import { AUTOPROXY, type AutoproxyTarget, Complex, DaemonPlaceholder, ExceptionWrapper, ProxyRef, PyDate } from "./values.js";

/** The kinds of objects the encoders tell apart. */
export type ObjectKind =
  /** An array (or an Array subclass): a list. */
  | "array"
  /** An object whose prototype is Object.prototype or null: a dict of its own enumerable properties. */
  | "record"
  /** A class instance: a dict of its own enumerable properties. */
  | "instance"
  /** Buffer, Uint8Array, Uint8ClampedArray, DataView, ArrayBuffer, SharedArrayBuffer: bytes. */
  | "bytes"
  /** Any other typed array (Float64Array, Int32Array, BigInt64Array, …): a list of its numbers. */
  | "numbers"
  | "date"
  | "error"
  | "exception-wrapper"
  /** A registered object (marked by the daemon), or a pyrots proxy: a proxy to it. */
  | "autoproxy"
  /** URI, ProxyRef, DaemonPlaceholder: Pyro class dicts. */
  | "pyro"
  | "complex"
  | "pydate"
  | "map"
  | "set"
  /** An object with a `toJSON` method (URL, user classes): its `toJSON()` result. */
  | "tojson"
  /** `new Number(1)`, `new String("a")`, `new Boolean(true)`, `Object(1n)`: the primitive. */
  | "boxed";

/** Why functions are refused; the hint users need most. */
export const FUNCTION_REASON = "a function (functions do not cross the wire; pass a proxy to an exposed object for callbacks)";

/**
 * The kind of an object that is not a plain array or record; throws a {@link Refusal} for objects
 * that cannot be sent (Promises, weak collections, RegExps, iterators and other built-ins).
 */
export function kindOf(value: object): ObjectKind {
  if (Array.isArray(value)) return "array";
  if (isPlain(value)) return "record";
  if (ArrayBuffer.isView(value)) return value instanceof Uint8Array || value instanceof Uint8ClampedArray || value instanceof DataView ? "bytes" : "numbers";
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) return "bytes";
  if ((value as AutoproxyTarget)[AUTOPROXY] !== undefined) return "autoproxy";
  if (value instanceof Date) return "date";
  if (value instanceof Error) return "error";
  if (value instanceof URI || value instanceof ProxyRef || value instanceof DaemonPlaceholder) return "pyro";
  if (value instanceof Complex) return "complex";
  if (value instanceof PyDate) return "pydate";
  if (value instanceof ExceptionWrapper) return "exception-wrapper";
  if (value instanceof Map) return "map";
  if (value instanceof Set) return "set";
  if (value instanceof Promise) throw new Refusal("a Promise (did you forget an await?)", value);
  // A pyrots proxy never gets here (its AUTOPROXY mark, read above, sends it as a proxy): reading
  // toJSON and then starts no remote call.
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return "tojson";
  if (typeof (value as { then?: unknown }).then === "function")
    throw new Refusal("a thenable, an object with a then() method (did you forget an await?)", value);
  return otherKind(value);
}

function otherKind(value: object): ObjectKind {
  if (value instanceof WeakMap || value instanceof WeakSet) {
    throw new Refusal(
      `a ${value instanceof WeakMap ? "WeakMap" : "WeakSet"} (weak collections cannot be listed, so they do not cross the wire: send a Map or Set)`,
      value,
    );
  }
  if (value instanceof WeakRef) throw new Refusal("a WeakRef (send the value it holds, ref.deref())", value);
  if (value instanceof FinalizationRegistry) throw new Refusal("a FinalizationRegistry (it is behaviour, not data)", value);
  if (value instanceof RegExp) throw new Refusal("a RegExp (send its .source and .flags as strings)", value);
  if (value instanceof Number || value instanceof String || value instanceof Boolean || value instanceof BigInt) return "boxed";
  const tag = (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  if (typeof tag === "string") {
    if (/Iterator|Generator/.test(tag)) {
      throw new Refusal(`an iterator (${tag}): an iterator streams only as a method's return value; send [...iterator] for its items`, value);
    }
    throw new Refusal(`a ${tag} object (a built-in type that does not cross the wire: send the plain values you need from it)`, value);
  }
  return "instance";
}

/**
 * True when the function-valued property `key` of a plain `record` decides how the record is
 * sent: its own `toJSON`, or any method of a registered object literal (sent as a proxy).
 */
export function isDecidingMethod(record: object, key: string, item: unknown): boolean {
  return typeof item === "function" && (key === "toJSON" || (record as AutoproxyTarget)[AUTOPROXY] !== undefined);
}

/** True for an object of prototype Object.prototype or null. */
export function isPlain(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The refusal of a value that is neither an object nor a string, number, bigint, boolean or undefined. */
export function unsendablePrimitive(value: unknown): Refusal {
  if (typeof value === "function") return new Refusal(FUNCTION_REASON, value);
  if (typeof value === "symbol") return new Refusal("a symbol (symbols do not cross the wire: send a string)", value);
  return new Refusal(`a value of type ${typeof value}`, value);
}

/** True for a Map key that Python can hash and all three serializers can write as a dict key. */
export function isSimpleKey(key: unknown): key is SimpleKey {
  const type = typeof key;
  return type === "string" || type === "number" || type === "bigint" || type === "boolean" || key === null || key === undefined;
}

/** A Map key every serializer can send. */
export type SimpleKey = string | number | bigint | boolean | null | undefined;

/** The refusal of a Map key that is not {@link isSimpleKey}. */
export function mapKeyRefusal(key: unknown): Refusal {
  const what = typeof key === "function" ? "a function" : typeof key === "symbol" ? "a symbol" : "an object";
  return new Refusal(
    `a Map with a key that is ${what} (Python dict keys must be strings, numbers, booleans or null: use such keys, or send the entries as [key, value] pairs)`,
  );
}

/** The smallest positive bigint with more decimal digits than Python converts from text (`sys.get_int_max_str_digits()`). */
export const PYTHON_DECIMAL_LIMIT = 10n ** BigInt(MAX_INTEGER_DIGITS);

/** The refusal of an integer beyond {@link PYTHON_DECIMAL_LIMIT} for a serializer that sends it as decimal text. */
export function tooManyDigits(value: bigint, serializer: string): Refusal {
  const digits = (value < 0n ? -value : value).toString().length;
  return new Refusal(
    `an integer of ${digits} digits (${serializer} sends it as decimal text, and Python reads at most ${MAX_INTEGER_DIGITS} digits: use the serpent serializer, or send it as bytes)`,
    value,
  );
}
