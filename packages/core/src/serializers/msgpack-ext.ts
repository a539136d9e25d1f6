/**
 * The msgpack ext types Pyro4 peers send (Pyro4 `util.MsgpackSerializer`), and the only ones
 * pyrots decodes. Every other ext type (msgpack timestamps, msgpackr's RegExp, Set, Error, typed
 * arrays, records, ...) is refused with a SerializeError naming it.
 *
 * | type | Python value                | ext data                          | JS value                       |
 * | ---- | --------------------------- | --------------------------------- | ------------------------------ |
 * | 0x30 | `complex`                   | two LE float64: real, imag        | {@link Complex}                |
 * | 0x31 | `int` beyond 64 bits        | ASCII decimal text                | bigint (a non-integer: number) |
 * | 0x32 | naive `datetime.datetime`   | LE float64 seconds since epoch    | Date                           |
 * | 0x33 | `datetime.date`             | LE C long (8 or 4 bytes): ordinal | {@link PyDate}                 |
 */
import { SerializeError } from "../errors.js";
import { MAX_INTEGER_DIGITS } from "./budget.js";
import { Complex, PyDate } from "./values.js";

const INTEGER_TEXT = /^[+-]?\d+$/;

/** Decodes the ext value of `type` whose data is `bytes[start, start + length)`. */
export function decodeExtension(type: number, bytes: Buffer, start: number, length: number): unknown {
  switch (type) {
    case 0x30:
      if (length !== 16) throw new SerializeError(`invalid msgpack complex (ext 0x30): expected 16 bytes, got ${length}`);
      return new Complex(bytes.readDoubleLE(start), bytes.readDoubleLE(start + 8));
    case 0x31:
      // Checked before the text is made: BigInt parsing is quadratic in the digits.
      if (length > MAX_INTEGER_DIGITS + 1) {
        throw new SerializeError(`msgpack big number (ext 0x31) of ${length} characters exceeds the limit of ${MAX_INTEGER_DIGITS} digits (Python's own)`);
      }
      return numberFromText(bytes.toString("latin1", start, start + length));
    case 0x32:
      if (length !== 8) throw new SerializeError(`invalid msgpack datetime (ext 0x32): expected 8 bytes, got ${length}`);
      return new Date(bytes.readDoubleLE(start) * 1000);
    case 0x33:
      return dateFromOrdinal(bytes, start, length);
  }
  const signed = type > 127 ? type - 256 : type;
  throw new SerializeError(
    `unsupported msgpack ext type ${signed} (0x${type.toString(16).padStart(2, "0")}): Pyro peers send only ext 0x30–0x33 (complex, big integer, datetime, date)`,
  );
}

function numberFromText(text: string): number | bigint {
  if (INTEGER_TEXT.test(text)) return BigInt(text);
  const number = Number(text);
  if (text.trim() === "" || Number.isNaN(number)) throw new SerializeError(`invalid msgpack number (ext 0x31): ${JSON.stringify(text.slice(0, 40))}`);
  return number;
}

function dateFromOrdinal(bytes: Buffer, start: number, length: number): PyDate {
  // Python writes a C long: 8 bytes on 64-bit Linux, 4 on some other platforms.
  let ordinal: number;
  if (length === 8) ordinal = Number(bytes.readBigInt64LE(start));
  else if (length === 4) ordinal = bytes.readInt32LE(start);
  else throw new SerializeError(`invalid msgpack date (ext 0x33): expected 4 or 8 bytes, got ${length}`);
  try {
    return PyDate.fromOrdinal(ordinal);
  } catch (error) {
    throw new SerializeError(`invalid msgpack date (ext 0x33): ${(error as Error).message}`);
  }
}
