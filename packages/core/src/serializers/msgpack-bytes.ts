/**
 * Reading text and floats out of msgpack bytes, fast: short ASCII strings built in JS, long ones
 * copied when a native check finds them ASCII, recurring map keys reused from a cache, and the
 * floats of small payloads read through scratch arrays instead of a DataView.
 *
 * | string bytes   | made by                                                   |
 * | -------------- | --------------------------------------------------------- |
 * | 1..15, ASCII   | `String.fromCharCode` with explicit arguments             |
 * | map keys < 16  | the key cache, else as above                              |
 * | from 4096      | `isAscii` then a Latin-1 copy, else UTF-8 decoding        |
 * | others         | Node's UTF-8 decoding (invalid sequences become U+FFFD)   |
 */
import { isAscii } from "node:buffer";

/** Node's own, unchecked Buffer slicers (what `toString` calls after checking its arguments). */
interface NativeSlices {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

/** Strings up to this many bytes are built in JS: cheaper than a call into native code. */
export const SHORT_STRING = 16;
/** Strings from this many bytes on are checked for ASCII first: copying is some 20% faster than UTF-8 decoding. */
const LONG_STRING = 4096;

// Floats of small payloads are read through these (a DataView is not worth making for them);
// each read fills and reads them at once, so no result depends on an earlier read.
const scratch64 = new Float64Array(1);
const scratch32 = new Float32Array(scratch64.buffer, 0, 1);
const scratchBytes = new Uint8Array(scratch64.buffer);
/** Index of a float's most significant byte in the scratch bytes: 7 on little-endian machines. */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 7 : 0;

/** The big-endian float64 at `bytes[at]`. */
export function float64At(bytes: Buffer, at: number): number {
  const s = scratchBytes;
  if (HIGH === 7) {
    s[7] = bytes[at]!;
    s[6] = bytes[at + 1]!;
    s[5] = bytes[at + 2]!;
    s[4] = bytes[at + 3]!;
    s[3] = bytes[at + 4]!;
    s[2] = bytes[at + 5]!;
    s[1] = bytes[at + 6]!;
    s[0] = bytes[at + 7]!;
  } else s.set(bytes.subarray(at, at + 8));
  return scratch64[0]!;
}

/** The big-endian float32 at `bytes[at]`. */
export function float32At(bytes: Buffer, at: number): number {
  for (let i = 0; i < 4; i++) scratchBytes[HIGH === 7 ? 3 - i : i] = bytes[at + i]!;
  return scratch32[0]!;
}

/** The UTF-8 text of `bytes[start, start + length)`, copied without decoding when it is all ASCII. */
export function text(bytes: Buffer, start: number, length: number): string {
  const native = bytes as unknown as NativeSlices;
  if (length >= LONG_STRING && isAscii(bytes.subarray(start, start + length))) return native.latin1Slice(start, start + length);
  return native.utf8Slice(start, start + length);
}

/** The ASCII text of `bytes[start, start + length)` (0..15 bytes); undefined when not all ASCII. */
export function shortAscii(bytes: Buffer, start: number, length: number): string | undefined {
  let any = 0;
  for (let i = start, end = start + length; i < end; i++) any |= bytes[i]!;
  if (any >= 0x80) return undefined;
  return asciiRun(bytes, start, length);
}

const fromCharCode = String.fromCharCode;

function asciiRun(b: Buffer, p: number, n: number): string {
  // Explicit arguments: much faster than a loop of concatenations or fromCharCode.apply.
  switch (n) {
    case 1:
      return fromCharCode(b[p]!);
    case 2:
      return fromCharCode(b[p]!, b[p + 1]!);
    case 3:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!);
    case 4:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!);
    case 5:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!);
    case 6:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!);
    case 7:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!);
    default:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!) + asciiRun(b, p + 8, n - 8);
    case 0:
      return "";
  }
}

// Map keys recur in every message (method results, kwargs, class dicts), so the last ASCII key
// seen per hash slot is kept and reused: no string is built, and V8 finds the same key again.
// A cache of immutable strings: it changes no result, only how fast it comes.
const KEY_SLOTS = 4096;
const keyCache = new Array<string | undefined>(KEY_SLOTS).fill(undefined);

function keySlot(bytes: Buffer, start: number, length: number): number {
  if (length === 0) return 0;
  return ((length << 7) ^ (bytes[start]! << 3) ^ (bytes[start + (length >> 1)]! << 6) ^ bytes[start + length - 1]!) & (KEY_SLOTS - 1);
}

/** The cached map key spelled by `bytes[start, start + length)` (under {@link SHORT_STRING} bytes), if any. */
export function cachedKey(bytes: Buffer, start: number, length: number): string | undefined {
  const key = keyCache[keySlot(bytes, start, length)];
  if (key === undefined || key.length !== length) return undefined;
  for (let i = 0; i < length; i++) if (key.charCodeAt(i) !== bytes[start + i]) return undefined;
  return key;
}

/** The text of a map key (under {@link SHORT_STRING} bytes), cached when it is ASCII. */
export function rememberKey(bytes: Buffer, start: number, length: number): string {
  const ascii = shortAscii(bytes, start, length);
  if (ascii === undefined) return text(bytes, start, length);
  keyCache[keySlot(bytes, start, length)] = ascii;
  return ascii;
}
