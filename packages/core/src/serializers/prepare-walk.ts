/**
 * The one walk the msgpack and json encoders run over a value before msgpackr or JSON.stringify
 * write it (serpent's writer shares its classification and refusals: value-kinds.ts,
 * refusal.ts). It applies the rules of docs/values.md:
 *
 * - what is refused is refused loudly, with its path (refusal.ts): functions, symbols, Promises,
 *   cycles, nesting deeper than {@link MAX_SEND_DEPTH}, invalid Dates, unhashable Map keys, …;
 * - what JS has and the wire has not is converted the same way for both serializers: Map to a
 *   dict with text keys (in the Map's order), Set to a list, typed arrays of numbers to lists, Errors to Pyro's
 *   exception dicts, registered objects to proxies, `toJSON()` results, boxed primitives; the
 *   class dicts (URIs, proxies, exceptions, exception wrappers) are those of the walk's
 *   {@link PyroDialect} (Pyro4's or Pyro5's names);
 * - record properties whose value is `undefined` are left out (as JSON.stringify does);
 * - the rest is each serializer's {@link WireRules}: numbers beyond what both write alike,
 *   bigints, bytes, Dates, Complex, PyDate.
 *
 * Plain data comes back as the very same object with nothing allocated; only containers on the
 * path to a changed value are copied. Cycle detection costs nothing on the way: a cycle makes the
 * walk too deep, and the refusal then finds the cycle among the containers it passed.
 */
import { setOwn } from "./classes.js";
import type { PyroDialect } from "./dialect.js";
import { MAX_SEND_DEPTH, Refusal, indexStep, keyStep, keyText, mapStep, setStep, tooDeep, within } from "./refusal.js";
import { isDecidingMethod, isPlain, isSimpleKey, kindOf, mapKeyRefusal, unsendablePrimitive } from "./value-kinds.js";
import { AUTOPROXY, type AutoproxyTarget, type Complex, type DaemonPlaceholder, type ExceptionWrapper, type ProxyRef, type PyDate } from "./values.js";
import type { URI } from "../uri.js";

/** How one serializer writes the values that the walk leaves to it. */
export interface WireRules {
  /** The serializer's name, for messages. */
  readonly name: string;
  /** A number outside −2^31 … 2^32−1, or −0, NaN, ±Infinity (the walk lets the others through as they are). */
  number(value: number, walk: PrepareWalk): unknown;
  bigint(value: bigint, walk: PrepareWalk): unknown;
  /** Bytes (a Buffer or Uint8Array as given; other byte views and ArrayBuffers as a Uint8Array over the same memory). */
  bytes(value: Uint8Array, walk: PrepareWalk): unknown;
  /** A Map's entries with their keys as text and their values prepared, in the Map's order. */
  textKeyed(map: Map<string, unknown>, walk: PrepareWalk): unknown;
  /** A valid Date. */
  date(value: Date, walk: PrepareWalk): unknown;
  complex(value: Complex, walk: PrepareWalk): unknown;
  pyDate(value: PyDate, walk: PrepareWalk): unknown;
}

/** One walk's rules and what it noticed on its way (a fresh one per encode). */
export class PrepareWalk {
  /** The value holds a large binary (msgpack sends those uncopied). */
  largeBinary = false;
  /**
   * The value holds what only the slow json writer writes as Python does: NaN, ±Infinity, −0,
   * integral floats from 2^53 on, bigints, Maps with integer-like keys.
   */
  pythonText = false;

  /**
   * `rules`: how the serializer writes what the walk leaves to it; `dialect`: the Pyro version
   * whose class dicts stand for URIs, proxies, exceptions and exception wrappers.
   */
  constructor(
    readonly rules: WireRules,
    readonly dialect: PyroDialect,
  ) {}
}

const MAX_U32 = 0xffffffff;
const MIN_I32 = -0x80000000;

/**
 * `value` with everything the serializer must not write as it is replaced; `value` itself if
 * nothing is. `level` is the nesting of the container holding it (0 at the top of a payload).
 * Throws a {@link Refusal} (see refusal.ts `sendError`) for what cannot be sent.
 */
export function prepareValue(value: unknown, walk: PrepareWalk, level: number): unknown {
  if (typeof value === "object") return value === null ? value : prepareObject(value, walk, level);
  if (typeof value === "string") return value;
  if (typeof value === "number") {
    if (value <= MAX_U32 && value >= MIN_I32 && value !== 0) return value;
    return value === 0 ? plainOr(value, walk) : walk.rules.number(value, walk);
  }
  if (typeof value === "boolean" || value === undefined) return value;
  if (typeof value === "bigint") return walk.rules.bigint(value, walk);
  throw unsendablePrimitive(value);
}

/** The elements of `array` (at nesting `level`), prepared; `array` itself when none changed. */
export function prepareArray(array: readonly unknown[], walk: PrepareWalk, level: number): unknown[] {
  if (level > MAX_SEND_DEPTH) throw tooDeep(array);
  // Scan until the first element that changes; only then copy (copyArrayFrom). Kept this lean
  // because it is the loop most payloads spend their walk in.
  const length = array.length;
  let i = 0;
  let prepared: unknown;
  try {
    for (; i < length; i++) {
      const item = array[i];
      // As every serializer writes them: strings, numbers in −2^31 … 2^32−1 but −0, booleans, null.
      // Spelled out here, not in a helper: this is the hottest line of the walk.
      if (
        typeof item === "string" ||
        (typeof item === "number" && item <= MAX_U32 && item >= MIN_I32 && item !== 0) ||
        typeof item === "boolean" ||
        item === null
      ) {
        continue;
      }
      prepared = prepareValue(item, walk, level);
      if (prepared !== item) break;
    }
  } catch (error) {
    throw within(error, array, indexStep(i));
  }
  return i === length ? (array as unknown[]) : copyArrayFrom(array, i, prepared, walk, level);
}

/** A copy of `array` whose element `first` is `prepared`, the elements after it prepared too. */
function copyArrayFrom(array: readonly unknown[], first: number, prepared: unknown, walk: PrepareWalk, level: number): unknown[] {
  const copy = array.slice(0, first);
  copy.push(prepared);
  let i = first + 1;
  try {
    for (const length = array.length; i < length; i++) copy.push(prepareValue(array[i], walk, level));
  } catch (error) {
    throw within(error, array, indexStep(i));
  }
  return copy;
}

/**
 * The own enumerable properties of `record` (at nesting `level`), prepared, `undefined` ones left
 * out; `record` itself when nothing changed. `instance`: a class instance (skip inherited keys).
 */
export function prepareRecord(record: Record<string, unknown>, walk: PrepareWalk, level: number, instance: boolean): unknown {
  if (level > MAX_SEND_DEPTH) throw tooDeep(record);
  // Scan until the first property that changes or needs a decision; only then copy (copyRecordFrom).
  let key = "";
  let prepared: unknown = UNDECIDED;
  let changed = false;
  try {
    for (key in record) {
      if (instance && !Object.hasOwn(record, key)) continue;
      const item = record[key];
      // As every serializer writes them: strings, numbers in −2^31 … 2^32−1 but −0, booleans, null.
      // Spelled out here, not in a helper: this is the hottest line of the walk.
      if (
        typeof item === "string" ||
        (typeof item === "number" && item <= MAX_U32 && item >= MIN_I32 && item !== 0) ||
        typeof item === "boolean" ||
        item === null
      ) {
        continue;
      }
      if (item === undefined || typeof item === "function") {
        prepared = UNDECIDED;
        changed = true;
        break;
      }
      prepared = prepareValue(item, walk, level);
      if (prepared !== item) {
        changed = true;
        break;
      }
    }
  } catch (error) {
    throw within(error, record, keyStep(key));
  }
  if (changed) return copyRecordFrom(record, key, prepared, walk, level, instance);
  // No keys at all: an iterator also passes for a plain object (it inherits Object as its constructor).
  if (key === "" && !instance && !isPlain(record)) return prepareOther(record, walk, level - 1);
  return record;
}

/** Marks a property that the scan of prepareRecord left to copyRecordFrom to decide. */
const UNDECIDED = Symbol("undecided");

/**
 * A copy of `record` from its property `first` on: the properties before it as they are, `first`
 * as `prepared` ({@link UNDECIDED}: an `undefined` or a function, to decide here), the rest prepared.
 */
function copyRecordFrom(record: Record<string, unknown>, first: string, prepared: unknown, walk: PrepareWalk, level: number, instance: boolean): unknown {
  const copy: Record<string, unknown> = {};
  let started = false;
  let key = "";
  let method: unknown;
  try {
    for (key in record) {
      if (instance && !Object.hasOwn(record, key)) continue;
      const item = record[key];
      if (!started) {
        if (key !== first) {
          setOwn(copy, key, item);
          continue;
        }
        started = true;
        if (prepared !== UNDECIDED) {
          setOwn(copy, key, prepared);
          continue;
        }
      }
      if (item === undefined) continue;
      if (isDecidingMethod(record, key, item)) {
        method = item;
        break;
      }
      setOwn(copy, key, prepareValue(item, walk, level));
    }
  } catch (error) {
    throw within(error, record, keyStep(key));
  }
  if (method === undefined) return copy;
  // A registered object literal (looked for only here, where it shows: it has methods) is sent as a proxy.
  const autoproxy = (record as AutoproxyTarget)[AUTOPROXY];
  if (autoproxy !== undefined) return prepareReplacement(record, walk.dialect.objectDict(autoproxy()), "", walk, level);
  // A record with its own toJSON method is sent as what that gives, as JSON.stringify does.
  return prepareReplacement(record, (method as () => unknown).call(record), ".toJSON()", walk, level);
}

/** −0 goes to the rules (msgpackr would write an int 0, JSON.stringify `0`); +0 is plain. */
function plainOr(value: number, walk: PrepareWalk): unknown {
  return value === 0 && 1 / value < 0 ? walk.rules.number(value, walk) : value;
}

function prepareObject(value: object, walk: PrepareWalk, level: number): unknown {
  // The constructor test is the cheap common case (a prototype test costs more). Iterators inherit
  // Object as their constructor too: prepareRecord sorts them out when it finds no keys.
  const constructor = value.constructor;
  if (constructor === Array) return prepareArray(value as unknown[], walk, level + 1);
  if (constructor === Object) return prepareRecord(value as Record<string, unknown>, walk, level + 1, false);
  return prepareOther(value, walk, level);
}

function prepareOther(value: object, walk: PrepareWalk, level: number): unknown {
  switch (kindOf(value)) {
    case "array":
      return prepareArray(value as unknown[], walk, level + 1);
    case "record":
      return prepareRecord(value as Record<string, unknown>, walk, level + 1, false);
    case "instance":
      return prepareRecord(value as Record<string, unknown>, walk, level + 1, true);
    case "bytes":
      return walk.rules.bytes(value instanceof Uint8Array ? value : bytesOf(value as ArrayBufferView | ArrayBufferLike), walk);
    case "numbers":
      return prepareArray(Array.from(value as Float64Array), walk, level + 1);
    case "date":
      if (!Number.isFinite((value as Date).getTime())) throw new Refusal("an invalid Date (its time is NaN)", value);
      return walk.rules.date(value as Date, walk);
    case "error":
      return prepareReplacement(value, walk.dialect.exceptionDict(value, false), "", walk, level);
    case "exception-wrapper":
      return prepareReplacement(value, walk.dialect.exceptionWrapperDict(value as ExceptionWrapper), "", walk, level);
    case "autoproxy":
      return prepareReplacement(value, walk.dialect.objectDict((value as Required<AutoproxyTarget>)[AUTOPROXY]()), "", walk, level);
    case "pyro":
      // Their class dicts, walked too: a proxy's state carries its handshake data, which may be anything.
      return prepareReplacement(value, walk.dialect.objectDict(value as URI | ProxyRef | DaemonPlaceholder), "", walk, level);
    case "complex":
      return walk.rules.complex(value as Complex, walk);
    case "pydate":
      return walk.rules.pyDate(value as PyDate, walk);
    case "map":
      return prepareMap(value as Map<unknown, unknown>, walk, level + 1);
    case "set":
      return prepareSet(value as Set<unknown>, walk, level + 1);
    case "tojson": {
      const json: unknown = (value as { toJSON(): unknown }).toJSON();
      // toJSON returning the object itself means "as it is", as for JSON.stringify.
      if (json === value) return prepareRecord(value as Record<string, unknown>, walk, level + 1, true);
      return prepareReplacement(value, json, ".toJSON()", walk, level + 1);
    }
    case "boxed":
      return prepareReplacement(value, (value as { valueOf(): unknown }).valueOf(), ".valueOf()", walk, level);
  }
}

/** Prepares what stands for `owner` on the wire (its exception dict, toJSON() result, …), naming `step` on failure. */
function prepareReplacement(owner: object, replacement: unknown, step: string, walk: PrepareWalk, level: number): unknown {
  if (level > MAX_SEND_DEPTH) throw tooDeep(owner);
  try {
    return prepareValue(replacement, walk, level);
  } catch (error) {
    throw within(error, owner, step);
  }
}

/** A Uint8Array over the memory of a byte view or buffer (no copy). */
function bytesOf(value: ArrayBufferView | ArrayBufferLike): Uint8Array {
  return ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : new Uint8Array(value);
}

/**
 * A Map as a Map with text keys, in its order (Python's msgpack and json take no other keys), its
 * values prepared; the rules write it (`textKeyed`).
 */
function prepareMap(map: Map<unknown, unknown>, walk: PrepareWalk, level: number): unknown {
  if (level > MAX_SEND_DEPTH) throw tooDeep(map);
  const keyed = new Map<string, unknown>();
  for (const [key, item] of map) {
    if (!isSimpleKey(key)) throw mapKeyRefusal(key);
    const text = typeof key === "string" ? key : String(key === undefined ? null : key);
    if (keyed.has(text)) {
      throw new Refusal(
        `a Map with two keys that are both ${JSON.stringify(text)} as text, one of them ${keyText(key)} (${walk.rules.name} sends Map keys as text)`,
      );
    }
    let prepared: unknown;
    try {
      prepared = item === undefined ? null : prepareValue(item, walk, level);
    } catch (error) {
      throw within(error, map, mapStep(key));
    }
    keyed.set(text, prepared);
  }
  return walk.rules.textKeyed(keyed, walk);
}

/** A Set as a list of its items, prepared. */
function prepareSet(set: Set<unknown>, walk: PrepareWalk, level: number): unknown[] {
  if (level > MAX_SEND_DEPTH) throw tooDeep(set);
  const items: unknown[] = [];
  try {
    for (const item of set) items.push(prepareValue(item, walk, level));
  } catch (error) {
    throw within(error, set, setStep(items.length));
  }
  return items;
}
