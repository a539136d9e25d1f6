/**
 * The sliver of Python's `marshal` format that CONNECTFAIL needs: one string.
 *
 * | type byte (& 0x7f; 0x80 is marshal's "ref" flag) | length          | text   |
 * | ------------------------------------------------ | --------------- | ------ |
 * | `z` 0x7a, `Z` 0x5a (short ASCII)                 | 1 byte          | ASCII  |
 * | `a` 0x61, `A` 0x41 (ASCII)                       | u32 LE          | ASCII  |
 * | `u` 0x75, `t` 0x74 (unicode)                     | u32 LE          | UTF-8  |
 *
 * A Pyro4 daemon writes CONNECTFAIL errors this way before it knows the client's serializer.
 */
import { SerializeError } from "../errors.js";

/** Python `marshal.dumps(text)` in the `u` form, which every Python 3 reads. */
export function encodeMarshalString(text: string): Buffer {
  const length = Buffer.byteLength(text, "utf8");
  const out = Buffer.allocUnsafe(5 + length);
  out[0] = 0x75;
  out.writeUInt32LE(length, 1);
  out.write(text, 5, "utf8");
  return out;
}

/** Reads a marshalled string; throws SerializeError for anything else or truncated data. */
export function decodeMarshalString(data: Uint8Array): string {
  const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buffer.length < 1) throw new SerializeError("invalid marshal data: empty");
  const type = buffer[0]! & 0x7f;
  let start: number;
  let length: number;
  let encoding: "latin1" | "utf8";
  switch (type) {
    case 0x7a: // z
    case 0x5a: // Z
      if (buffer.length < 2) throw new SerializeError("invalid marshal data: truncated length");
      start = 2;
      length = buffer[1]!;
      encoding = "latin1";
      break;
    case 0x61: // a
    case 0x41: // A
    case 0x75: // u
    case 0x74: // t
      if (buffer.length < 5) throw new SerializeError("invalid marshal data: truncated length");
      start = 5;
      length = buffer.readUInt32LE(1);
      encoding = type === 0x75 || type === 0x74 ? "utf8" : "latin1";
      break;
    default:
      throw new SerializeError(`invalid marshal data: type 0x${type.toString(16)} is not a string`);
  }
  if (buffer.length < start + length) throw new SerializeError("invalid marshal data: truncated string");
  return buffer.toString(encoding, start, start + length);
}
