/**
 * msgpack written directly for the commonest payloads: a call `[object, method, args, kwargs]`
 * whose arguments are ASCII strings, numbers, booleans, null and plain arrays of those, with no
 * keyword arguments, and a value (a call's result) of the same kinds. These need neither the
 * prepare walk (nothing in them is converted or refused) nor msgpackr's general machinery, and
 * they are most calls and most results. Anything else makes {@link encodeSimpleCall} and
 * {@link encodeSimpleValue} answer undefined, and the caller takes the general path. The bytes
 * are exactly msgpackr's for the same value (the msgpack tests compare them):
 *
 * | value                          | bytes                                          |
 * | ------------------------------ | ---------------------------------------------- |
 * | integer 0 … 127                | positive fixint                                |
 * | integer 128 … 2^32−1           | uint8 `cc`, uint16 `cd`, uint32 `ce`           |
 * | integer −32 … −1               | negative fixint                                |
 * | integer −2^31 … −33            | int8 `d0`, int16 `d1`, int32 `d2`              |
 * | other finite or infinite non-integer, NaN | float64 `cb`                        |
 * | ASCII string below 256 chars   | fixstr, str8 `d9`                              |
 * | true, false, null, undefined   | `c3`, `c2`, `c0`, `c0`                         |
 * | array below 65,536 items       | fixarray, array16 `dc`                         |
 * | `{}` (plain, no keys)          | fixmap `80`                                    |
 *
 * −0, integers beyond 32 bits, bigints, other strings and objects go the general way (the prepare
 * walk decides what they become).
 */
import { NO_KWARGS } from "./call.js";

/** Encoded calls are written one after the other into a slab, never over a region handed out. */
const SLAB_SIZE = 64 * 1024;
/** Payloads larger than this take the general path (their slab space is better spent on many small ones). */
const MAX_SIMPLE_CALL = 4 * 1024;
/** Arrays nested deeper than this take the general path (batches nest three deep). */
const MAX_SIMPLE_DEPTH = 4;
const MAX_SHORT_STRING = 255;

let slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
let position = 0;

/**
 * `[object, method, args, kwargs]` in msgpack after `reserve` bytes of room (the frame header),
 * or undefined when the call needs the general encoder. The buffer is a view of a shared slab:
 * its bytes are the caller's until it lets go of the buffer.
 */
export function encodeSimpleCall(
  object: string,
  method: string,
  args: readonly unknown[],
  kwargs: Record<string, unknown> | null,
  reserve: number,
): Buffer | undefined {
  if (kwargs !== null && kwargs !== NO_KWARGS && !isEmptyRecord(kwargs)) return undefined;
  const start = slabStart();
  const end = start + MAX_SIMPLE_CALL;
  let at = start + reserve;
  slab[at++] = 0x94;
  at = writeAscii(object, at, end);
  if (at < 0) return undefined;
  at = writeAscii(method, at, end);
  if (at < 0) return undefined;
  at = writeArray(args, at, end, 1);
  if (at < 0 || at >= end) return undefined;
  slab[at++] = kwargs === null ? 0xc0 : 0x80;
  return handOut(start, at);
}

/**
 * `value` in msgpack after `reserve` bytes of room, or undefined when it needs the general
 * encoder. Like {@link encodeSimpleCall}'s, the buffer is a view of the shared slab.
 */
export function encodeSimpleValue(value: unknown, reserve: number): Buffer | undefined {
  const start = slabStart();
  const end = start + MAX_SIMPLE_CALL;
  const at = writeItem(value, start + reserve, end, 1);
  return at < 0 || at > end ? undefined : handOut(start, at);
}

/** Where the next payload starts in the slab, with room for the largest simple one (a new slab when needed). */
function slabStart(): number {
  if (position + MAX_SIMPLE_CALL > SLAB_SIZE) {
    slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
    position = 0;
  }
  return position;
}

/** Hands out slab bytes `start`..`end`: later payloads are written after them. */
function handOut(start: number, end: number): Buffer {
  position = end;
  return slab.subarray(start, end);
}

function isEmptyRecord(value: object): boolean {
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  // A for-in that stops at the first key: no array of keys is made.
  for (const _key in value) return false;
  return true;
}

/** Writes `items` at `at`; returns where it ended, or −1 when the general path must encode them. */
function writeArray(items: readonly unknown[], at: number, end: number, depth: number): number {
  const length = items.length;
  if (length < 0x10) {
    slab[at++] = 0x90 | length;
  } else if (length < 0x10000) {
    slab[at++] = 0xdc;
    slab[at++] = length >>> 8;
    slab[at++] = length & 0xff;
  } else {
    return -1;
  }
  for (let i = 0; i < length && at >= 0; i++) {
    // Nine bytes is the largest scalar (float64); strings and arrays check their own room.
    if (at + 9 > end) return -1;
    at = writeItem(items[i], at, end, depth);
  }
  return at;
}

function writeItem(value: unknown, at: number, end: number, depth: number): number {
  switch (typeof value) {
    case "number":
      return writeNumber(value, at);
    case "string":
      return writeAscii(value, at, end);
    case "boolean":
      slab[at] = value ? 0xc3 : 0xc2;
      return at + 1;
    case "undefined":
      slab[at] = 0xc0;
      return at + 1;
    case "object":
      if (value === null) {
        slab[at] = 0xc0;
        return at + 1;
      }
      if (Object.getPrototypeOf(value) === Array.prototype && depth < MAX_SIMPLE_DEPTH) return writeArray(value as unknown[], at, end, depth + 1);
      if (value === NO_KWARGS || isEmptyRecord(value)) {
        slab[at] = 0x80;
        return at + 1;
      }
      return -1;
    default:
      return -1;
  }
}

function writeNumber(value: number, at: number): number {
  if (value >>> 0 === value) {
    // −0 passes the test above; the prepare walk decides what it becomes.
    if (value === 0 && 1 / value < 0) return -1;
    if (value < 0x80) {
      slab[at++] = value;
    } else if (value < 0x100) {
      slab[at++] = 0xcc;
      slab[at++] = value;
    } else if (value < 0x10000) {
      slab[at++] = 0xcd;
      slab[at++] = value >>> 8;
      slab[at++] = value & 0xff;
    } else {
      slab[at++] = 0xce;
      slab.writeUInt32BE(value, at);
      at += 4;
    }
    return at;
  }
  if (value >> 0 === value) {
    if (value >= -0x20) {
      slab[at++] = 0x100 + value;
    } else if (value >= -0x80) {
      slab[at++] = 0xd0;
      slab[at++] = value + 0x100;
    } else if (value >= -0x8000) {
      slab[at++] = 0xd1;
      slab.writeInt16BE(value, at);
      at += 2;
    } else {
      slab[at++] = 0xd2;
      slab.writeInt32BE(value, at);
      at += 4;
    }
    return at;
  }
  // Integral values beyond 32 bits become int64 or stay floats by the walk's rules.
  if (Number.isInteger(value)) return -1;
  slab[at] = 0xcb;
  slab.writeDoubleBE(value, at + 1);
  return at + 9;
}

/** Writes an ASCII string below 256 chars; −1 for any other string or when it does not fit. */
function writeAscii(text: string, at: number, end: number): number {
  const length = text.length;
  if (length > MAX_SHORT_STRING || at + 2 + length > end) return -1;
  let out = length < 0x20 ? at + 1 : at + 2;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return -1;
    slab[out++] = code;
  }
  if (length < 0x20) {
    slab[at] = 0xa0 | length;
  } else {
    slab[at] = 0xd9;
    slab[at + 1] = length;
  }
  return out;
}
