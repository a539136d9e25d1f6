/**
 * The msgpack serializer (Pyro4 id 6): encoding on msgpackr, decoding with our own decoder.
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
 * | an own `__proto__` key           | an ordinary map key `__proto__`                        |
 *
 * Decoding (msgpack-decode.ts) maps the same values back within the receiver's decode limits:
 * ints beyond ±2^53 become bigint, bin a Buffer, maps plain objects (a `__proto__` key an own
 * data property), ext 0x30–0x33 the values above and every other ext type a SerializeError;
 * class dicts are revived as their maps complete.
 */
import { Packr, RESERVE_START_SPACE, addExtension } from "msgpackr";
import { asSerializeError } from "./classes.js";
import { decodeMsgpack } from "./msgpack-decode.js";
import { type PrepareState, prepareForMsgpack, RawBytes } from "./msgpack-prepare.js";
import { encodeParts } from "./msgpack-parts.js";
import { checkCall } from "./call.js";
import { type CallRequest, DEFAULT_DECODE_CONTEXT, type DecodeContext, type Serializer } from "./types.js";
import { PYRO4_DIALECT, type PyroDialect } from "./dialect.js";

// The prepare walk writes Pyro4's ext values (and int64 forms) as RawBytes; this one extension
// copies them into msgpackr's output. msgpackr keeps extensions in module-wide tables, decode side
// included: ours refuses, exactly as msgpackr does for a type it does not know, so that other
// msgpackr users in this process decode as before. None of our decodes goes through msgpackr.
addExtension({
  Class: RawBytes,
  type: 0x31,
  pack(value: RawBytes, allocateForWrite: (size: number) => { target: Uint8Array; position: number }) {
    const { target, position } = allocateForWrite(value.bytes.length);
    target.set(value.bytes, position);
  },
  unpack() {
    throw new Error("Unknown extension type " + 0x31);
  },
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

function encodeOptions(reserve: number): number {
  if (!(reserve >= 0 && reserve <= 255 && Number.isInteger(reserve))) throw new RangeError(`reserve must be 0..255, got ${reserve}`);
  return reserve === 0 ? 0 : RESERVE_START_SPACE | reserve;
}

/** The INVOKE tuple; object id and method name are strings, only the arguments need preparing. */
function prepareCall(object: string, method: string, args: readonly unknown[], kwargs: Record<string, unknown> | null, state: PrepareState): unknown[] {
  return [object, method, prepareForMsgpack(args, state), kwargs === null ? null : prepareForMsgpack(kwargs, state)];
}

/** Packs a prepared value: in parts when it holds a large binary and parts are wanted, else whole. */
function packPrepared(prepared: unknown, state: PrepareState, options: number, parts: boolean): Buffer | Buffer[] {
  return parts && state.largeBinary ? encodeParts(packr, prepared) : packr.pack(prepared, options);
}

function encodeValue(value: unknown, reserve: number, parts: boolean, dialect: PyroDialect): Buffer | Buffer[] {
  const options = encodeOptions(reserve);
  try {
    const state: PrepareState = { largeBinary: false, dialect };
    return packPrepared(prepareForMsgpack(value, state), state, options, parts);
  } catch (error) {
    throw asSerializeError(error, "cannot serialize with msgpack");
  }
}

function encodeCallValue(
  object: string,
  method: string,
  args: readonly unknown[],
  kwargs: Record<string, unknown> | null,
  reserve: number,
  parts: boolean,
  dialect: PyroDialect,
): Buffer | Buffer[] {
  const options = encodeOptions(reserve);
  try {
    const state: PrepareState = { largeBinary: false, dialect };
    return packPrepared(prepareCall(object, method, args, kwargs, state), state, options, parts);
  } catch (error) {
    throw asSerializeError(error, "cannot serialize with msgpack");
  }
}

/** A msgpack serializer for one Pyro dialect (class names); its `id` is Pyro4's, 6, in both (see `protocol/pyro5.ts`). */
export function createMsgpackSerializer(dialect: PyroDialect): Serializer {
  return {
    id: 6,
    name: "msgpack",
    encode(value: unknown, reserve = 0): Buffer {
      return encodeValue(value, reserve, false, dialect) as Buffer;
    },
    decode(data: Uint8Array, context: DecodeContext = DEFAULT_DECODE_CONTEXT): unknown {
      return decodeMsgpack(data, context, dialect);
    },
    encodeCall(object: string, method: string, args: readonly unknown[], kwargs: Record<string, unknown> | null, reserve = 0): Buffer {
      return encodeCallValue(object, method, args, kwargs, reserve, false, dialect) as Buffer;
    },
    encodeParts(value: unknown, reserve = 0): Buffer | Buffer[] {
      return encodeValue(value, reserve, true, dialect);
    },
    encodeCallParts(object: string, method: string, args: readonly unknown[], kwargs: Record<string, unknown> | null, reserve = 0): Buffer | Buffer[] {
      return encodeCallValue(object, method, args, kwargs, reserve, true, dialect);
    },
    decodeCall(data: Uint8Array, context: DecodeContext = DEFAULT_DECODE_CONTEXT): CallRequest {
      return checkCall(decodeMsgpack(data, context, dialect));
    },
  };
}

/** Pyro4's msgpack serializer (id 6). */
export const msgpackSerializer: Serializer = createMsgpackSerializer(PYRO4_DIALECT);
