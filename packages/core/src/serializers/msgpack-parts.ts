/**
 * msgpack encoding that leaves large binary values out of the encoded buffer: the value becomes
 * a list of parts whose concatenation is the msgpack encoding, and each large `Uint8Array` is a
 * part of its own, the caller's very buffer. Written with a vectored socket write, a 1 MiB
 * payload is then never copied in user space.
 *
 * msgpack is concatenative (an array is its header followed by its items), so only the arrays and
 * maps on the path to a large binary are taken apart; everything else is packed by msgpackr.
 */
import type { Packr } from "msgpackr/pack";
import { LARGE_BINARY } from "./msgpack-prepare.js";

/** Encodes a prepared value (see `prepareForMsgpack`) into parts; small parts are merged. */
export function encodeParts(packr: Packr, value: unknown): Buffer[] {
  const parts: Buffer[] = [];
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  const small = (buffer: Buffer) => {
    pending.push(buffer);
    pendingBytes += buffer.length;
  };
  const flush = () => {
    if (pending.length > 0) parts.push(pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes));
    pending.length = 0;
    pendingBytes = 0;
  };
  const walk = (item: unknown): void => {
    if (isLargeBinary(item)) {
      small(binHeader(item.byteLength));
      flush();
      parts.push(Buffer.from(item.buffer, item.byteOffset, item.byteLength));
    } else if (Array.isArray(item) && containsLargeBinary(item)) {
      small(arrayHeader(item.length));
      for (const element of item) walk(element);
    } else if (isPlainRecord(item) && containsLargeBinary(item)) {
      const keys = Object.keys(item);
      small(mapHeader(keys.length));
      for (const key of keys) {
        // A copy: msgpackr reuses its buffer, and these parts outlive the next pack call.
        small(Buffer.from(packr.pack(key)));
        walk(item[key]);
      }
    } else {
      small(Buffer.from(packr.pack(item)));
    }
  };
  walk(value);
  flush();
  return parts;
}

function isLargeBinary(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.byteLength >= LARGE_BINARY;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function containsLargeBinary(value: unknown): boolean {
  if (isLargeBinary(value)) return true;
  if (Array.isArray(value)) return value.some(containsLargeBinary);
  if (isPlainRecord(value)) return Object.values(value).some(containsLargeBinary);
  return false;
}

function binHeader(length: number): Buffer {
  const header = Buffer.allocUnsafe(5);
  header[0] = 0xc6;
  header.writeUInt32BE(length, 1);
  return header;
}

function arrayHeader(length: number): Buffer {
  if (length < 16) return Buffer.from([0x90 | length]);
  if (length < 0x10000) return Buffer.from([0xdc, length >> 8, length & 0xff]);
  const header = Buffer.allocUnsafe(5);
  header[0] = 0xdd;
  header.writeUInt32BE(length, 1);
  return header;
}

function mapHeader(length: number): Buffer {
  if (length < 16) return Buffer.from([0x80 | length]);
  if (length < 0x10000) return Buffer.from([0xde, length >> 8, length & 0xff]);
  const header = Buffer.allocUnsafe(5);
  header[0] = 0xdf;
  header.writeUInt32BE(length, 1);
  return header;
}
