/**
 * The walk that runs before msgpackr packs a value: it swaps in what msgpackr would otherwise
 * write in a way Python cannot use (large integers as float64, Dates as msgpack timestamps,
 * Errors as msgpackr's private shape) and writes Pyro4's ext types itself, as {@link RawBytes}.
 * Plain data comes back as the very same object, with nothing allocated; only containers on the
 * path to a replaced value are copied. What the walk notices travels in its {@link PrepareState}.
 */
import { SerializeError } from "../errors.js";
import { URI } from "../uri.js";
import { setOwn } from "./classes.js";
import { PYRO4_DIALECT, type PyroDialect } from "./dialect.js";
import { AUTOPROXY, type AutoproxyTarget, Complex, DaemonPlaceholder, ExceptionWrapper, ProxyRef, PyDate } from "./values.js";

/** Bytes written to the output verbatim (an extension of ours does it; see msgpack.ts). */
export class RawBytes {
  constructor(readonly bytes: Uint8Array) {}
}

/** What one prepare walk noticed on its way. */
export interface PrepareState {
  /** The value holds a binary of at least {@link LARGE_BINARY} bytes (worth sending uncopied). */
  largeBinary: boolean;
  /** The Pyro version whose class dicts stand for URIs, proxies and errors. */
  readonly dialect: PyroDialect;
}

const MAX_U32 = 0xffffffff;
const MIN_I32 = -0x80000000;
const TWO_32 = 0x100000000;
const MIN_I64 = -(2n ** 63n);
const MAX_U64 = 2n ** 64n - 1n;

/** Binary values from this size on can be sent without copying them (see msgpack-parts.ts). */
export const LARGE_BINARY = 64 * 1024;

/**
 * The value with every part msgpackr must not write itself replaced; `value` itself if none.
 * `state` collects what the walk noticed (pass a fresh one per encode).
 */
export function prepareForMsgpack(value: unknown, state: PrepareState): unknown {
  // Ordered by how often each type occurs; strings fall through untouched.
  if (typeof value === "object") return value === null ? value : prepareObject(value, state);
  if (typeof value === "number") return value > MAX_U32 || value < MIN_I32 ? largeNumber(value) : value;
  if (typeof value === "bigint") return bigInteger(value);
  return value;
}

function largeNumber(value: number): unknown {
  if (!Number.isSafeInteger(value)) return value;
  const bytes = Buffer.allocUnsafe(9);
  // Python's msgpack writes non-negative ints as uint64 and negative ones as int64.
  bytes[0] = value >= 0 ? 0xcf : 0xd3;
  const high = Math.floor(value / TWO_32);
  bytes.writeInt32BE(high, 1);
  bytes.writeUInt32BE(value - high * TWO_32, 5);
  return new RawBytes(bytes);
}

function bigInteger(value: bigint): unknown {
  if (value >= MIN_I32 && value <= MAX_U32) return Number(value);
  if (value >= MIN_I64 && value <= MAX_U64) {
    const bytes = Buffer.allocUnsafe(9);
    if (value >= 0n) {
      bytes[0] = 0xcf;
      bytes.writeBigUInt64BE(value, 1);
    } else {
      bytes[0] = 0xd3;
      bytes.writeBigInt64BE(value, 1);
    }
    return new RawBytes(bytes);
  }
  // Beyond 64 bits Pyro4 sends the decimal text as ext 0x31.
  return new RawBytes(extension(0x31, Buffer.from(value.toString(), "latin1")));
}

/** An ext value framed exactly as Python's msgpack frames it (fixext when the size fits). */
export function extension(type: number, data: Uint8Array): Buffer {
  const n = data.length;
  const fixed = n === 1 ? 0xd4 : n === 2 ? 0xd5 : n === 4 ? 0xd6 : n === 8 ? 0xd7 : n === 16 ? 0xd8 : 0;
  let head: Buffer;
  if (fixed) head = Buffer.from([fixed, type]);
  else if (n < 0x100) head = Buffer.from([0xc7, n, type]);
  else if (n < 0x10000) head = Buffer.from([0xc8, n >> 8, n & 0xff, type]);
  else {
    head = Buffer.alloc(6);
    head[0] = 0xc9;
    head.writeUInt32BE(n, 1);
    head[5] = type;
  }
  return Buffer.concat([head, data]);
}

function dateValue(date: Date): RawBytes {
  const time = date.getTime();
  if (!Number.isFinite(time)) throw new SerializeError("cannot serialize an invalid Date");
  const bytes = Buffer.allocUnsafe(10);
  bytes[0] = 0xd7;
  bytes[1] = 0x32;
  bytes.writeDoubleLE(time / 1000, 2);
  return new RawBytes(bytes);
}

function complexValue(value: Complex): RawBytes {
  const bytes = Buffer.allocUnsafe(18);
  bytes[0] = 0xd8;
  bytes[1] = 0x30;
  bytes.writeDoubleLE(value.real, 2);
  bytes.writeDoubleLE(value.imag, 10);
  return new RawBytes(bytes);
}

function pyDateValue(value: PyDate): RawBytes {
  const bytes = Buffer.allocUnsafe(10);
  bytes[0] = 0xd7;
  bytes[1] = 0x33;
  bytes.writeBigInt64LE(BigInt(value.toOrdinal()), 2);
  return new RawBytes(bytes);
}

function prepareObject(value: object, state: PrepareState): unknown {
  // The constructor test is the cheap common case; an own "constructor" key falls to the checks below.
  const constructor = value.constructor;
  if (constructor === Array) return prepareArray(value as unknown[], state);
  if (constructor === Object) return prepareRecord(value as Record<string, unknown>, false, state);
  if (Array.isArray(value)) return prepareArray(value, state);
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return prepareRecord(value as Record<string, unknown>, false, state);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    if (value.byteLength >= LARGE_BINARY) state.largeBinary = true;
    return value;
  }
  const autoproxy = (value as AutoproxyTarget)[AUTOPROXY];
  if (autoproxy !== undefined) return pyroObject(autoproxy(), state);
  if (value instanceof Date) return dateValue(value);
  if (value instanceof Error) return prepareForMsgpack(state.dialect.exceptionDict(value, false), state);
  if (value instanceof URI || value instanceof ProxyRef || value instanceof DaemonPlaceholder) return pyroObject(value, state);
  if (value instanceof RawBytes) return value;
  if (value instanceof Complex) return complexValue(value);
  if (value instanceof PyDate) return pyDateValue(value);
  if (value instanceof ExceptionWrapper) return prepareForMsgpack(state.dialect.exceptionWrapperDict(value), state);
  if (value instanceof Map) return prepareMap(value, state);
  if (value instanceof Set) {
    const items = [...value];
    return prepareArray(items, state);
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    const json: unknown = toJSON.call(value);
    const prepared = prepareForMsgpack(json, state);
    // Unchanged: let msgpackr call toJSON itself rather than keep the result alive here.
    return prepared === json ? value : prepared;
  }
  // Other class instances are written by msgpackr as maps of their own enumerable fields.
  return prepareRecord(value as Record<string, unknown>, true, state);
}

/** Pyro4's objects go as they are (msgpackr writes their `toJSON()`); other dialects' as their class dicts. */
function pyroObject(value: URI | ProxyRef | DaemonPlaceholder, state: PrepareState): unknown {
  return state.dialect === PYRO4_DIALECT ? value : prepareForMsgpack(state.dialect.objectDict(value), state);
}

function prepareArray(array: unknown[], state: PrepareState): unknown[] {
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    if (typeof item === "string") continue;
    const prepared = prepareForMsgpack(item, state);
    if (prepared !== item) {
      const copy = array.slice(0, i);
      copy.push(prepared);
      for (let j = i + 1; j < array.length; j++) copy.push(prepareForMsgpack(array[j], state));
      return copy;
    }
  }
  return array;
}

function prepareRecord(record: Record<string, unknown>, ownOnly: boolean, state: PrepareState): unknown {
  for (const key in record) {
    if (ownOnly && !Object.hasOwn(record, key)) continue;
    const item = record[key];
    if (typeof item === "string") continue;
    const prepared = prepareForMsgpack(item, state);
    if (prepared !== item) return copyRecord(record, key, prepared, state);
  }
  return record;
}

function copyRecord(record: Record<string, unknown>, changedKey: string, changed: unknown, state: PrepareState): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  let after = false;
  for (const key of Object.keys(record)) {
    let value: unknown;
    if (key === changedKey) {
      value = changed;
      after = true;
    } else {
      value = after ? prepareForMsgpack(record[key], state) : record[key];
    }
    setOwn(copy, key, value);
  }
  return copy;
}

function prepareMap(map: Map<unknown, unknown>, state: PrepareState): Map<unknown, unknown> {
  let copy: Map<unknown, unknown> | undefined;
  for (const [key, item] of map) {
    const preparedKey = prepareForMsgpack(key, state);
    const prepared = prepareForMsgpack(item, state);
    if (!copy && (prepared !== item || preparedKey !== key)) {
      copy = new Map();
      for (const [k, v] of map) {
        if (k === key) break;
        copy.set(k, v);
      }
    }
    copy?.set(preparedKey, prepared);
  }
  return copy ?? map;
}
