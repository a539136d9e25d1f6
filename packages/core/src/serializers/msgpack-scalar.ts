/**
 * Payloads that are one scalar — an integer of 32 bits or less, a boolean, nil — written without
 * msgpackr: they are the commonest call results, and msgpackr's set-up per value costs more than
 * the few byte stores such a payload takes. The bytes are msgpackr's own (the smallest int form,
 * as Python's msgpack writes too); everything else is left to msgpackr.
 */

const MAX_U32 = 0xffffffff;
const MIN_I32 = -0x80000000;

/**
 * `value` as a msgpack payload after `reserve` bytes of room (see `Serializer.encode`), or
 * undefined when it is not such a scalar.
 */
export function packScalar(value: unknown, reserve: number): Buffer | undefined {
  if (typeof value === "number") {
    // −0 and non-integers are floats on the wire: msgpackr's path (via the prepare walk) writes them.
    if (!Number.isInteger(value) || value > MAX_U32 || value < MIN_I32 || (value === 0 && 1 / value < 0)) return undefined;
    return value >= 0 ? packUnsigned(value, reserve) : packNegative(value, reserve);
  }
  if (typeof value === "boolean") return packByte(value ? 0xc3 : 0xc2, reserve);
  if (value === null || value === undefined) return packByte(0xc0, reserve);
  return undefined;
}

function packByte(byte: number, reserve: number): Buffer {
  const out = Buffer.allocUnsafe(reserve + 1);
  out[reserve] = byte;
  return out;
}

function packUnsigned(value: number, reserve: number): Buffer {
  if (value < 0x80) return packByte(value, reserve);
  if (value < 0x100) {
    const out = Buffer.allocUnsafe(reserve + 2);
    out[reserve] = 0xcc;
    out[reserve + 1] = value;
    return out;
  }
  if (value < 0x10000) {
    const out = Buffer.allocUnsafe(reserve + 3);
    out[reserve] = 0xcd;
    out[reserve + 1] = value >>> 8;
    out[reserve + 2] = value & 0xff;
    return out;
  }
  const out = Buffer.allocUnsafe(reserve + 5);
  out[reserve] = 0xce;
  out.writeUInt32BE(value, reserve + 1);
  return out;
}

function packNegative(value: number, reserve: number): Buffer {
  if (value >= -0x20) return packByte(0x100 + value, reserve);
  if (value >= -0x80) {
    const out = Buffer.allocUnsafe(reserve + 2);
    out[reserve] = 0xd0;
    out[reserve + 1] = value + 0x100;
    return out;
  }
  if (value >= -0x8000) {
    const out = Buffer.allocUnsafe(reserve + 3);
    out[reserve] = 0xd1;
    out.writeInt16BE(value, reserve + 1);
    return out;
  }
  const out = Buffer.allocUnsafe(reserve + 5);
  out[reserve] = 0xd2;
  out.writeInt32BE(value, reserve + 1);
  return out;
}
