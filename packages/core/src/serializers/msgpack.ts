/**
 * The msgpack serializer (Pyro4 id 6), on msgpackr.
 *
 * | JS value                         | on the wire (as Python's msgpack writes it)            |
 * | -------------------------------- | ------------------------------------------------------ |
 * | integer number, 32-bit           | smallest int form (msgpackr's own encoding)            |
 * | safe integer beyond 32 bits      | uint64 `cf` / int64 `d3` (msgpackr alone sends float64) |
 * | bigint                           | smallest int form; beyond 64 bits ext 0x31 (decimal)  |
 * | other number, NaN, ±Infinity     | float64                                                |
 * | Buffer / Uint8Array              | bin                                                    |
 * | Date                             | ext 0x32: LE float64 seconds since the epoch           |
 * | {@link PyDate}                   | ext 0x33: LE int64 proleptic Gregorian ordinal         |
 * | {@link Complex}                  | ext 0x30: two LE float64                               |
 * | Error (anywhere in the value)    | Pyro4 exception dict (see classes.ts)                  |
 * | URI, ProxyRef, DaemonPlaceholder | Pyro4 class dicts (their `toJSON()`)                   |
 *
 * Decoding: ints beyond ±2^53 become bigint; ext 0x30–0x33 the values above; maps whose key is
 * `__proto__` get the key `__proto_` (msgpackr does this itself, so no payload can reach a
 * prototype); class dicts are revived only when the bytes contain `__class__`.
 */
import { Packr, RESERVE_START_SPACE, addExtension } from "msgpackr";
import { SerializeError } from "../errors.js";
import { asSerializeError, mayContainClassDict, reviveClasses } from "./classes.js";
import { prepareForMsgpack, RawBytes, takeLargeBinarySeen } from "./msgpack-prepare.js";
import { encodeParts } from "./msgpack-parts.js";
import { checkCall } from "./call.js";
import { type CallRequest, DEFAULT_DECODE_CONTEXT, type DecodeContext, type Serializer } from "./types.js";
import { Complex, PyDate } from "./values.js";

// msgpackr keeps extensions in module-wide tables (there is no per-Packr hook in 2.1.4), so
// registering is global. To leave other msgpackr users in this process unaffected: the encode
// side only matches classes of ours, and the decode side of ext 0x30–0x33 (which msgpackr does
// not use) answers only while one of our decodes runs, failing as an unknown type otherwise.
let ourDecodes = 0;
/** Payloads from this size on skip the byte scan for class dicts (see `unpack`). */
const SCAN_LIMIT = 4096;
function guarded(type: number, decode: (data: Uint8Array) => unknown): (data: Uint8Array) => unknown {
  return (data) => {
    if (ourDecodes === 0) throw new Error("Unknown extension type " + type);
    return decode(data);
  };
}
function view(data: Uint8Array): DataView {
  return new DataView(data.buffer, data.byteOffset, data.byteLength);
}
addExtension({
  Class: Complex,
  type: 0x30,
  pack(value: Complex, allocateForWrite: (size: number) => { target: Uint8Array; targetView: DataView; position: number }) {
    const { target, targetView, position } = allocateForWrite(18);
    target[position] = 0xd8;
    target[position + 1] = 0x30;
    targetView.setFloat64(position + 2, value.real, true);
    targetView.setFloat64(position + 10, value.imag, true);
  },
  unpack: guarded(0x30, (data) => {
    if (data.length !== 16) throw new SerializeError("invalid msgpack complex (ext 0x30): expected 16 bytes");
    return new Complex(view(data).getFloat64(0, true), view(data).getFloat64(8, true));
  }),
} as never);
addExtension({
  Class: RawBytes,
  type: 0x31,
  pack(value: RawBytes, allocateForWrite: (size: number) => { target: Uint8Array; position: number }) {
    const { target, position } = allocateForWrite(value.bytes.length);
    target.set(value.bytes, position);
  },
  unpack: guarded(0x31, (data) => {
    const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1");
    if (/^[+-]?\d+$/.test(text)) return BigInt(text);
    const number = Number(text);
    if (text.trim() === "" || Number.isNaN(number)) throw new SerializeError(`invalid msgpack number (ext 0x31): "${text}"`);
    return number;
  }),
} as never);
addExtension({
  type: 0x32,
  unpack: guarded(0x32, (data) => {
    if (data.length !== 8) throw new SerializeError("invalid msgpack datetime (ext 0x32): expected 8 bytes");
    return new Date(view(data).getFloat64(0, true) * 1000);
  }),
} as never);
addExtension({
  Class: PyDate,
  type: 0x33,
  pack(value: PyDate, allocateForWrite: (size: number) => { target: Uint8Array; targetView: DataView; position: number }) {
    const { target, targetView, position } = allocateForWrite(10);
    target[position] = 0xd7;
    target[position + 1] = 0x33;
    targetView.setBigInt64(position + 2, BigInt(value.toOrdinal()), true);
  },
  unpack: guarded(0x33, (data) => {
    // Python writes a C long: 8 bytes on 64-bit Linux, 4 on some other platforms.
    if (data.length === 8) return PyDate.fromOrdinal(Number(view(data).getBigInt64(0, true)));
    if (data.length === 4) return PyDate.fromOrdinal(view(data).getInt32(0, true));
    throw new SerializeError("invalid msgpack date (ext 0x33): expected 4 or 8 bytes");
  }),
} as never);

const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  encodeUndefinedAsNil: true,
  variableMapSize: true,
  // int64 within ±2^53 as number, beyond as bigint; msgpackr supports "auto" but its typings lag.
  int64AsType: "auto" as "number",
  moreTypes: false,
  bundleStrings: false,
  // Explicitly false (not just unset): msgpackr then refuses its reference ext types 0x69/0x70.
  structuredClone: false,
});

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function encodeOptions(reserve: number): number {
  if (!(reserve >= 0 && reserve <= 255 && Number.isInteger(reserve))) throw new RangeError(`reserve must be 0..255, got ${reserve}`);
  return reserve === 0 ? 0 : RESERVE_START_SPACE | reserve;
}

function pack(value: unknown, reserve: number): Buffer {
  const options = encodeOptions(reserve);
  try {
    return packr.pack(prepareForMsgpack(value), options);
  } catch (error) {
    throw asSerializeError(error, "cannot serialize with msgpack");
  }
}

function unpack(data: Uint8Array, context: DecodeContext): unknown {
  const buffer = asBuffer(data);
  ourDecodes++;
  try {
    const value: unknown = packr.unpack(buffer);
    // Inside the try: a hostile, very deep payload can overflow the stack here too. Small
    // payloads are scanned for "__class__" first; on large ones (often one big binary) a walk of
    // the decoded value costs per object, where a scan would cost per byte.
    if (buffer.length >= SCAN_LIMIT) return reviveClasses(value, context);
    return mayContainClassDict(buffer) ? reviveClasses(value, context) : value;
  } catch (error) {
    throw asSerializeError(error, "invalid msgpack data");
  } finally {
    ourDecodes--;
  }
}

/** The INVOKE tuple; object id and method name are strings, only the arguments need preparing. */
function prepareCall(object: string, method: string, args: readonly unknown[], kwargs: Record<string, unknown> | null): unknown[] {
  return [object, method, prepareForMsgpack(args), kwargs === null ? null : prepareForMsgpack(kwargs)];
}

/** Pyro4's msgpack serializer (id 6). */
export const msgpackSerializer: Serializer = {
  id: 6,
  name: "msgpack",
  encode(value: unknown, reserve = 0): Buffer {
    return pack(value, reserve);
  },
  decode(data: Uint8Array, context: DecodeContext = DEFAULT_DECODE_CONTEXT): unknown {
    return unpack(data, context);
  },
  encodeCall(object: string, method: string, args: readonly unknown[], kwargs: Record<string, unknown> | null, reserve = 0): Buffer {
    try {
      return packr.pack(prepareCall(object, method, args, kwargs), encodeOptions(reserve));
    } catch (error) {
      throw asSerializeError(error, "cannot serialize with msgpack");
    }
  },
  encodeParts(value: unknown, reserve = 0): Buffer | Buffer[] {
    try {
      takeLargeBinarySeen();
      const prepared = prepareForMsgpack(value);
      return takeLargeBinarySeen() ? encodeParts(packr, prepared) : packr.pack(prepared, encodeOptions(reserve));
    } catch (error) {
      throw asSerializeError(error, "cannot serialize with msgpack");
    }
  },
  encodeCallParts(object: string, method: string, args: readonly unknown[], kwargs: Record<string, unknown> | null, reserve = 0): Buffer | Buffer[] {
    try {
      takeLargeBinarySeen();
      const call = prepareCall(object, method, args, kwargs);
      return takeLargeBinarySeen() ? encodeParts(packr, call) : packr.pack(call, encodeOptions(reserve));
    } catch (error) {
      throw asSerializeError(error, "cannot serialize with msgpack");
    }
  },
  decodeCall(data: Uint8Array, context: DecodeContext = DEFAULT_DECODE_CONTEXT): CallRequest {
    return checkCall(unpack(data, context));
  },
};
