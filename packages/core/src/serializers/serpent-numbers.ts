/**
 * Python number literals for the serpent decoder.
 *
 * | text                                   | JS value                                      |
 * | -------------------------------------- | --------------------------------------------- |
 * | `12` `0x1f` `0o17` `0b101` `1_000`     | number within ±(2^53 − 1), bigint beyond      |
 * | `1.5` `1e-05` `.5` `1.` `1e30000` (= inf) | number                                     |
 * | `2j` `(1.5-2j)` `1e30000j`             | {@link Complex}                                |
 *
 * A sign may precede a number (`- 1` too, as in Python). Decimal integers of more than 4300
 * digits are refused, as by Python 3.11's default `sys.get_int_max_str_digits()` (serpent cannot
 * write them either: it would fail in `repr`; huge ints come as hex, which has no such limit).
 */
import { type SerpentCursor, isNameChar } from "./serpent-cursor.js";
import { Complex } from "./values.js";

/** Python's default limit on decimal digits in an int (`sys.int_info.default_max_str_digits`). */
export const MAX_INT_DIGITS = 4300;

const UNDERSCORE = 0x5f;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Hex digit value of a char code, or -1. */
export function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

function digitOf(c: number, radix: number): number {
  const d = hexValue(c);
  return d >= 0 && d < radix ? d : -1;
}

/** An integer as a number when it is exact as one, else a bigint (as msgpack and json decode). */
function integer(value: bigint): number | bigint {
  return value <= MAX_SAFE && value >= -MAX_SAFE ? Number(value) : value;
}

/**
 * Reads a number with an optional sign at the cursor, and a complex `a+bj` when an imaginary part
 * follows a real one.
 */
export function readNumber(cursor: SerpentCursor): number | bigint | Complex {
  const real = readSignedNumber(cursor);
  if (real instanceof Complex) return real;
  const save = cursor.pos;
  cursor.skipSpace();
  const c = cursor.text.charCodeAt(cursor.pos);
  if (c !== 0x2b && c !== 0x2d) {
    cursor.pos = save;
    return real;
  }
  const at = cursor.pos;
  cursor.pos++;
  cursor.skipSpace();
  const imag = readSignedNumber(cursor);
  if (!(imag instanceof Complex)) cursor.fail("expected an imaginary number after the real part of a complex", at);
  return new Complex(Number(real), c === 0x2d ? -imag.imag : imag.imag);
}

function readSignedNumber(cursor: SerpentCursor): number | bigint | Complex {
  let negative = false;
  const sign = cursor.text.charCodeAt(cursor.pos);
  if (sign === 0x2d || sign === 0x2b) {
    negative = sign === 0x2d;
    cursor.pos++;
    cursor.skipSpace();
  }
  const value = readUnsignedNumber(cursor);
  if (!negative) return value;
  if (value instanceof Complex) return new Complex(-0, -value.imag);
  return -value;
}

function readUnsignedNumber(cursor: SerpentCursor): number | bigint | Complex {
  const text = cursor.text;
  const start = cursor.pos;
  let pos = start;
  let c = text.charCodeAt(pos);
  if (c === 0x30) {
    const radix = text.charCodeAt(pos + 1) | 0x20;
    if (radix === 0x78 || radix === 0x6f || radix === 0x62) return readRadixInteger(cursor, radix === 0x78 ? 16 : radix === 0x6f ? 8 : 2);
  }
  // Fast path: a plain decimal integer of up to 15 digits, the common case.
  let value = 0;
  while (isDigit(c) && pos - start < 15) {
    value = value * 10 + (c - 0x30);
    c = text.charCodeAt(++pos);
  }
  if (pos > start && !isDigit(c) && c !== UNDERSCORE && c !== 0x2e && (c | 0x20) !== 0x65 && (c | 0x20) !== 0x6a && !isNameChar(c)) {
    if (text.charCodeAt(start) === 0x30 && pos - start > 1 && value !== 0) cursor.fail("leading zeros in a decimal integer", start);
    cursor.pos = pos;
    return value;
  }
  return readGeneralNumber(cursor, start);
}

/** End of a run of digits with single underscores between them, from `pos`. */
function digitRun(text: string, pos: number): number {
  if (!isDigit(text.charCodeAt(pos))) return pos;
  pos++;
  for (;;) {
    const c = text.charCodeAt(pos);
    if (isDigit(c)) pos++;
    else if (c === UNDERSCORE && isDigit(text.charCodeAt(pos + 1))) pos += 2;
    else return pos;
  }
}

function readGeneralNumber(cursor: SerpentCursor, start: number): number | bigint | Complex {
  const text = cursor.text;
  let pos = digitRun(text, start);
  const intEnd = pos;
  let isFloat = false;
  if (text.charCodeAt(pos) === 0x2e) {
    isFloat = true;
    pos = digitRun(text, pos + 1);
    if (intEnd === start && pos === intEnd + 1) cursor.fail("invalid number", start);
  } else if (intEnd === start) cursor.fail("invalid number", start);
  if ((text.charCodeAt(pos) | 0x20) === 0x65) {
    let exp = pos + 1;
    const sign = text.charCodeAt(exp);
    if (sign === 0x2b || sign === 0x2d) exp++;
    const expEnd = digitRun(text, exp);
    if (expEnd === exp) cursor.fail("invalid exponent", pos);
    pos = expEnd;
    isFloat = true;
  }
  const imaginary = (text.charCodeAt(pos) | 0x20) === 0x6a;
  const end = imaginary ? pos + 1 : pos;
  if (isNameChar(text.charCodeAt(end)) || text.charCodeAt(end) === 0x2e) cursor.fail("invalid number", start);
  cursor.pos = end;
  let digits = text.slice(start, pos);
  if (digits.includes("_")) digits = digits.replaceAll("_", "");
  if (imaginary) return new Complex(0, Number(digits));
  if (isFloat) return Number(digits);
  if (digits.length > 1 && digits.charCodeAt(0) === 0x30 && /[1-9]/.test(digits)) cursor.fail("leading zeros in a decimal integer", start);
  if (digits.length > MAX_INT_DIGITS) cursor.fail(`integer of more than ${MAX_INT_DIGITS} digits (Python refuses them too)`, start);
  return integer(BigInt(digits));
}

function readRadixInteger(cursor: SerpentCursor, radix: 16 | 8 | 2): number | bigint {
  const text = cursor.text;
  const start = cursor.pos;
  let pos = start + 2;
  let digits = "";
  let segment = pos;
  for (;;) {
    const c = text.charCodeAt(pos);
    if (c === UNDERSCORE && digitOf(text.charCodeAt(pos + 1), radix) >= 0) {
      digits += text.slice(segment, pos);
      segment = ++pos;
    } else if (digitOf(c, radix) >= 0) pos++;
    else break;
  }
  digits += text.slice(segment, pos);
  if (digits === "" || isNameChar(text.charCodeAt(pos))) cursor.fail("invalid integer literal", start);
  cursor.pos = pos;
  return integer(BigInt((radix === 16 ? "0x" : radix === 8 ? "0o" : "0b") + digits));
}
