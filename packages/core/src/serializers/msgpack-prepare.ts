/**
 * msgpack's rules for the shared prepare walk (prepare-walk.ts): what msgpackr would otherwise
 * write in a way Python cannot use (large integers as float64, −0 as the int 0, Dates as msgpack
 * timestamps) is replaced, and Pyro4's ext types are written
 * here, as {@link RawBytes} that an extension of msgpack.ts copies into msgpackr's output.
 */
import type { PrepareWalk, WireRules } from "./prepare-walk.js";
import { PYTHON_DECIMAL_LIMIT, tooManyDigits } from "./value-kinds.js";
import type { Complex, PyDate } from "./values.js";

/** Bytes written to the output verbatim (an extension of ours does it; see msgpack.ts). */
export class RawBytes {
  constructor(readonly bytes: Uint8Array) {}
}

const TWO_32 = 0x100000000;
const MIN_I32 = -0x80000000;
const MAX_U32 = 0xffffffff;
const MIN_I64 = -(2n ** 63n);
const MAX_U64 = 2n ** 64n - 1n;
const NEGATIVE_ZERO = new RawBytes(Buffer.from([0xcb, 0x80, 0, 0, 0, 0, 0, 0, 0]));

/** Binary values from this size on can be sent without copying them (see msgpack-parts.ts). */
export const LARGE_BINARY = 64 * 1024;

/** How msgpack writes what the prepare walk leaves to its serializer. */
export const MSGPACK_RULES: WireRules = Object.freeze({
  name: "msgpack",
  number: largeNumber,
  bigint: bigInteger,
  bytes(value: Uint8Array, walk: PrepareWalk): unknown {
    if (value.byteLength >= LARGE_BINARY) walk.largeBinary = true;
    return value;
  },
  // msgpackr writes a Map as a map, in its order.
  textKeyed: (map: Map<string, unknown>): unknown => map,
  date: dateValue,
  complex: complexValue,
  pyDate: pyDateValue,
});

function largeNumber(value: number): unknown {
  if (value === 0) return NEGATIVE_ZERO;
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
  if (value >= PYTHON_DECIMAL_LIMIT || value <= -PYTHON_DECIMAL_LIMIT) throw tooManyDigits(value, "msgpack");
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

/** ext 0x32: a naive datetime, LE float64 seconds since the epoch (Pyro4's form). */
function dateValue(date: Date): RawBytes {
  const bytes = Buffer.allocUnsafe(10);
  bytes[0] = 0xd7;
  bytes[1] = 0x32;
  bytes.writeDoubleLE(date.getTime() / 1000, 2);
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
