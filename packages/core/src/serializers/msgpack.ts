/**
 * The msgpack serializer (Pyro4 id 6): encoding on msgpackr, decoding with our own decoder.
 * What each JS value becomes, for all three serializers, is docs/values.md; msgpack's column:
 *
 * | JS value                         | on the wire (as Python's msgpack writes it)            |
 * | -------------------------------- | ------------------------------------------------------ |
 * | integer number, 32-bit           | smallest int form (msgpackr's own encoding)            |
 * | safe integer beyond 32 bits      | uint64 `cf` / int64 `d3` (msgpackr alone sends float64) |
 * | bigint                           | smallest int form; beyond 64 bits ext 0x31 (decimal text, at most 4300 digits) |
 * | other number, NaN, ±Infinity, −0 | float64                                                |
 * | string                           | str (a lone surrogate as U+FFFD: UTF-8 has none)       |
 * | Buffer, Uint8Array, DataView, ArrayBuffer | bin                                           |
 * | Float64Array, Int32Array, …      | array of their numbers                                 |
 * | Map                              | map with str keys (`String(key)`: Python's msgpack takes no others), in its order |
 * | Set                              | array                                                  |
 * | Date                             | ext 0x32: LE float64 seconds since the epoch           |
 * | {@link PyDate}                   | ext 0x33: LE int64 proleptic Gregorian ordinal         |
 * | {@link Complex}                  | ext 0x30: two LE float64                               |
 * | Error (anywhere in the value)    | the dialect's exception dict (Pyro4's: classes.ts)     |
 * | URI, ProxyRef, DaemonPlaceholder | the dialect's class dicts (Pyro4's: their `toJSON()`)  |
 * | an own `__proto__` key           | an ordinary map key `__proto__`                        |
 *
 * The shared prepare walk (prepare-walk.ts) converts and refuses; msgpack-prepare.ts holds the
 * rules of this column. Decoding (msgpack-decode.ts) maps the same values back within the
 * receiver's decode limits: ints beyond ±2^53 become bigint, bin a Buffer, maps plain objects (a
 * `__proto__` key an own data property), ext 0x30–0x33 the values above and every other ext type
 * a SerializeError; class dicts are revived as their maps complete.
 */
// msgpackr's encoder only: its main entry also loads its stream classes and its native string
// extractor (a CommonJS addon, tens of milliseconds at start-up) that serves its decoder, unused here.
import { Packr, RESERVE_START_SPACE, addExtension } from "msgpackr/pack";
import { asSerializeError } from "./classes.js";
import { decodeMsgpack, decodeMsgpackCall } from "./msgpack-decode.js";
import { MSGPACK_RULES, RawBytes } from "./msgpack-prepare.js";
import { encodeParts } from "./msgpack-parts.js";
import { encodeSimpleCall, encodeSimpleValue } from "./msgpack-direct.js";
import { PrepareWalk, prepareCallArguments, preparePayload } from "./prepare-payload.js";
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

/** msgpackr's options for the general path (the tests compare the direct encoder with them). */
export const MSGPACKR_OPTIONS = Object.freeze({
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

const packr = new Packr({ ...MSGPACKR_OPTIONS });

function encodeOptions(reserve: number): number {
  if (!(reserve >= 0 && reserve <= 255 && Number.isInteger(reserve))) throw new RangeError(`reserve must be 0..255, got ${reserve}`);
  return reserve === 0 ? 0 : RESERVE_START_SPACE | reserve;
}

/** Packs a prepared value: in parts when it holds a large binary and parts are wanted, else whole. */
function packPrepared(prepared: unknown, walk: PrepareWalk, options: number, parts: boolean): Buffer | Buffer[] {
  try {
    return parts && walk.largeBinary ? encodeParts(packr, prepared) : packr.pack(prepared, options);
  } catch (error) {
    throw asSerializeError(error, "cannot serialize with msgpack");
  }
}

function encodeValue(value: unknown, reserve: number, parts: boolean, dialect: PyroDialect, what: string): Buffer | Buffer[] {
  const options = encodeOptions(reserve);
  // Most results are a few plain values, written without the walk or msgpackr (msgpack-direct.ts).
  const simple = encodeSimpleValue(value, reserve);
  if (simple !== undefined) return simple;
  const walk = new PrepareWalk(MSGPACK_RULES, dialect);
  return packPrepared(preparePayload(value, walk, what), walk, options, parts);
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
  // Most calls are a few plain values, written without the walk or msgpackr (msgpack-direct.ts).
  const simple = encodeSimpleCall(object, method, args, kwargs, reserve);
  if (simple !== undefined) return simple;
  const walk = new PrepareWalk(MSGPACK_RULES, dialect);
  // The INVOKE tuple; object id and method name are strings, only the arguments need preparing.
  return packPrepared([object, method, ...prepareCallArguments(args, kwargs, walk)], walk, options, parts);
}

/** A msgpack serializer for one Pyro dialect (class names); its `id` is Pyro4's, 6, in both (see `protocol/pyro5.ts`). */
export function createMsgpackSerializer(dialect: PyroDialect): Serializer {
  return {
    id: 6,
    name: "msgpack",
    encode(value: unknown, reserve = 0, what = "value"): Buffer {
      return encodeValue(value, reserve, false, dialect, what) as Buffer;
    },
    decode(data: Uint8Array, context: DecodeContext = DEFAULT_DECODE_CONTEXT): unknown {
      return decodeMsgpack(data, context, dialect);
    },
    encodeCall(object: string, method: string, args: readonly unknown[], kwargs: Record<string, unknown> | null, reserve = 0): Buffer {
      return encodeCallValue(object, method, args, kwargs, reserve, false, dialect) as Buffer;
    },
    encodeParts(value: unknown, reserve = 0, what = "value"): Buffer | Buffer[] {
      return encodeValue(value, reserve, true, dialect, what);
    },
    encodeCallParts(object: string, method: string, args: readonly unknown[], kwargs: Record<string, unknown> | null, reserve = 0): Buffer | Buffer[] {
      return encodeCallValue(object, method, args, kwargs, reserve, true, dialect);
    },
    decodeCall(data: Uint8Array, context: DecodeContext = DEFAULT_DECODE_CONTEXT): CallRequest {
      return decodeMsgpackCall(data, context, dialect);
    },
  };
}

/** Pyro4's msgpack serializer (id 6). */
export const msgpackSerializer: Serializer = createMsgpackSerializer(PYRO4_DIALECT);
