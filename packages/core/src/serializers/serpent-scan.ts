/**
 * The token level of the serpent decoder: Python literal syntax for the scalars serpent writes
 * (and `ast.literal_eval` reads), over the payload decoded to a JS string.
 *
 * | text                                   | JS value                                      |
 * | -------------------------------------- | --------------------------------------------- |
 * | `'…'` `"…"` `'''…'''`, prefixes u r    | string; every Python escape but `\N{name}`     |
 * | `b'…'`, prefixes b br rb               | Buffer (ASCII text, escapes `\xhh` `\ooo` …)   |
 * | adjacent literals `'a' 'b'`            | one value, concatenated (as Python does)       |
 * | `12` `0x1f` `0o17` `0b101` `1_000`     | number within ±(2^53 − 1), bigint beyond      |
 * | `1.5` `1e-05` `.5` `1e30000` (= inf)   | number                                         |
 * | `2j` `(1.5-2j)` `1e30000j`             | {@link Complex}                                |
 * | `True` `False` `None`                  | true, false, null                              |
 *
 * Decimal integers of more than 4300 digits are refused, as by Python 3.11's default
 * `sys.get_int_max_str_digits()` (serpent cannot write them either; huge ints come as hex).
 * Nothing here allocates from a length the payload declares: every value is as long as its text.
 */
import { SerializeError } from "../errors.js";
import { Complex } from "./values.js";

/** Python's default limit on decimal digits in an int (`sys.int_info.default_max_str_digits`). */
export const MAX_INT_DIGITS = 4300;

const QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LF = 0x0a;
const CR = 0x0d;
const UNDERSCORE = 0x5f;

/** Hex digit value of a char code, or -1. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** True for the chars of a Python identifier (ASCII part; serpent writes no others). */
function isNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || isDigit(c) || c === UNDERSCORE;
}

/** A cursor over serpent text with the scalar readers; the parser builds containers on top. */
export class SerpentScanner {
  /** Index of the next char of {@link text}. */
  pos = 0;

  /** Scans `text`, the whole payload decoded from UTF-8. */
  constructor(readonly text: string) {}

  /** Throws a SerializeError naming the byte offset of the current position. */
  fail(why: string, at = this.pos): never {
    const offset = Buffer.byteLength(this.text.slice(0, Math.min(at, this.text.length)), "utf8");
    throw new SerializeError(`invalid serpent data at byte ${offset}: ${why}`);
  }

  /** Skips whitespace, `#` comments and backslash line continuations. */
  skipSpace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === LF || c === CR || c === 0x09 || c === 0x0c) pos++;
      else if (c === 0x23) {
        while (pos < text.length && text.charCodeAt(pos) !== LF && text.charCodeAt(pos) !== CR) pos++;
      } else if (c === BACKSLASH && (text.charCodeAt(pos + 1) === LF || text.charCodeAt(pos + 1) === CR)) pos += 2;
      else break;
    }
    this.pos = pos;
  }

  /**
   * Reads a name: `True`, `False`, `None`, or a string prefix when a quote follows. Returns the
   * value, or `STRING_PREFIX` with {@link pos} left on the prefix.
   */
  readName(): unknown {
    const text = this.text;
    const start = this.pos;
    let end = start;
    while (end < text.length && isNameChar(text.charCodeAt(end))) end++;
    const name = text.slice(start, end);
    const next = text.charCodeAt(end);
    if (next === QUOTE || next === DOUBLE_QUOTE) {
      if (STRING_PREFIXES.has(name.toLowerCase())) return STRING_PREFIX;
      this.fail(`'${name.slice(0, 40)}' strings are not literals (only the prefixes b, r, u, br, rb are)`, start);
    }
    this.pos = end;
    switch (name) {
      case "True":
        return true;
      case "False":
        return false;
      case "None":
        return null;
    }
    if (name === "") this.fail(`unexpected character ${JSON.stringify(text[start] ?? "")}`, start);
    return this.fail(`unexpected name '${name.slice(0, 40)}' (serpent data holds only literals)`, start);
  }

  /** Reads one string or bytes literal plus any adjacent ones (Python concatenates them). */
  readStrings(): string | Buffer {
    const first = this.readStringLiteral();
    let value = first.text;
    for (;;) {
      const save = this.pos;
      this.skipSpace();
      const c = this.text.charCodeAt(this.pos);
      if (!(c === QUOTE || c === DOUBLE_QUOTE || (isNameChar(c) && this.readName() === STRING_PREFIX))) {
        this.pos = save;
        break;
      }
      const at = this.pos;
      const next = this.readStringLiteral();
      if (next.bytes !== first.bytes) this.fail("cannot mix bytes and str literals", at);
      value += next.text;
    }
    return first.bytes ? Buffer.from(value, "latin1") : value;
  }

  /** Reads one literal at {@link pos} (prefix included); bytes come back as latin1 text. */
  private readStringLiteral(): { text: string; bytes: boolean } {
    const text = this.text;
    let raw = false;
    let bytes = false;
    // readName has checked the prefix: one of STRING_PREFIXES.
    for (;;) {
      const c = text.charCodeAt(this.pos) | 0x20;
      if (c === 0x72) raw = true;
      else if (c === 0x62) bytes = true;
      else if (c !== 0x75) break;
      this.pos++;
    }
    const quote = text.charCodeAt(this.pos);
    if (quote !== QUOTE && quote !== DOUBLE_QUOTE) this.fail("expected a quote", this.pos);
    const triple = text.charCodeAt(this.pos + 1) === quote && text.charCodeAt(this.pos + 2) === quote;
    this.pos += triple ? 3 : 1;
    return { text: this.readStringBody(quote, triple, raw, bytes), bytes };
  }

  private readStringBody(quote: number, triple: boolean, raw: boolean, bytes: boolean): string {
    const text = this.text;
    const length = text.length;
    let pos = this.pos;
    let segment = pos;
    let out = "";
    for (;;) {
      if (pos >= length) this.fail("unterminated string literal", this.pos - (triple ? 3 : 1));
      const c = text.charCodeAt(pos);
      if (c === quote) {
        if (!triple) break;
        if (text.charCodeAt(pos + 1) === quote && text.charCodeAt(pos + 2) === quote) break;
        pos++;
      } else if (c === BACKSLASH) {
        out += text.slice(segment, pos);
        if (pos + 1 >= length) this.fail("unterminated string literal", pos);
        if (raw) {
          // In a raw literal the backslash stays, and the char after it cannot end the literal.
          out += text.slice(pos, pos + 2);
          pos += 2;
        } else {
          this.pos = pos + 1;
          out += this.escape(bytes);
          pos = this.pos;
        }
        segment = pos;
      } else if (c === LF || c === CR) {
        if (!triple) this.fail("line break inside a string literal", pos);
        // Python reads source with universal newlines: \r\n and \r become \n.
        if (c === CR) {
          out += text.slice(segment, pos) + "\n";
          pos += text.charCodeAt(pos + 1) === LF ? 2 : 1;
          segment = pos;
        } else pos++;
      } else if (c === 0) {
        this.fail("NUL character in a string literal", pos);
      } else if (bytes && c > 0x7f) {
        this.fail("bytes literals may only contain ASCII characters", pos);
      } else pos++;
    }
    out += text.slice(segment, pos);
    this.pos = pos + (triple ? 3 : 1);
    return out;
  }

  /** One escape after a backslash (at {@link pos}), as Python's string literals define them. */
  private escape(bytes: boolean): string {
    const text = this.text;
    const at = this.pos - 1;
    const c = text.charCodeAt(this.pos++);
    switch (c) {
      case LF:
        return "";
      case CR:
        if (text.charCodeAt(this.pos) === LF) this.pos++;
        return "";
      case BACKSLASH:
        return "\\";
      case QUOTE:
        return "'";
      case DOUBLE_QUOTE:
        return '"';
      case 0x61: // a
        return "\x07";
      case 0x62: // b
        return "\b";
      case 0x66: // f
        return "\f";
      case 0x6e: // n
        return "\n";
      case 0x72: // r
        return "\r";
      case 0x74: // t
        return "\t";
      case 0x76: // v
        return "\v";
      case 0x78: // x
        return String.fromCharCode(this.hexDigits(2, at, "\\xXX"));
      case 0x75: // u
        return bytes ? "\\u" : String.fromCharCode(this.hexDigits(4, at, "\\uXXXX"));
      case 0x55: {
        // U
        if (bytes) return "\\U";
        const code = this.hexDigits(8, at, "\\UXXXXXXXX");
        if (code > 0x10ffff) this.fail("\\U escape beyond U+10FFFF", at);
        return String.fromCodePoint(code);
      }
      case 0x4e: // N
        if (bytes) return "\\N";
        return this.fail("\\N{name} escapes are not supported by pyrots (serpent never writes them)", at);
    }
    if (c >= 0x30 && c <= 0x37) {
      let value = c - 0x30;
      for (let i = 0; i < 2; i++) {
        const d = text.charCodeAt(this.pos);
        if (!(d >= 0x30 && d <= 0x37)) break;
        value = value * 8 + d - 0x30;
        this.pos++;
      }
      // Python 3.11 keeps the low byte of an octal escape beyond \377 in bytes.
      return String.fromCharCode(bytes ? value & 0xff : value);
    }
    // An unknown escape keeps its backslash (Python warns, and keeps it too).
    this.pos--;
    return "\\";
  }

  private hexDigits(count: number, at: number, form: string): number {
    let value = 0;
    for (let i = 0; i < count; i++) {
      const d = hexValue(this.text.charCodeAt(this.pos + i));
      if (d < 0) this.fail(`truncated ${form} escape`, at);
      value = value * 16 + d;
    }
    this.pos += count;
    return value;
  }

  /**
   * Reads a number with an optional sign at {@link pos}, and a complex `a+bj` when an imaginary
   * part follows a real one.
   */
  readNumber(): number | bigint | Complex {
    const real = this.readSignedNumber();
    if (real instanceof Complex) return real;
    const save = this.pos;
    this.skipSpace();
    const c = this.text.charCodeAt(this.pos);
    if (c !== 0x2b && c !== 0x2d) {
      this.pos = save;
      return real;
    }
    const at = this.pos;
    this.pos++;
    this.skipSpace();
    const imag = this.readSignedNumber();
    if (!(imag instanceof Complex)) this.fail("expected an imaginary number after the real part of a complex", at);
    return new Complex(Number(real), c === 0x2d ? -imag.imag : imag.imag);
  }

  private readSignedNumber(): number | bigint | Complex {
    const text = this.text;
    let negative = false;
    const sign = text.charCodeAt(this.pos);
    if (sign === 0x2d || sign === 0x2b) {
      negative = sign === 0x2d;
      this.pos++;
      this.skipSpace();
    }
    const value = this.readUnsignedNumber();
    if (!negative) return value;
    if (value instanceof Complex) return new Complex(-0, -value.imag);
    return -value;
  }

  private readUnsignedNumber(): number | bigint | Complex {
    const text = this.text;
    const start = this.pos;
    let pos = start;
    let c = text.charCodeAt(pos);
    if (c === 0x30) {
      const radix = text.charCodeAt(pos + 1) | 0x20;
      if (radix === 0x78 || radix === 0x6f || radix === 0x62) return this.readRadixInteger(radix === 0x78 ? 16 : radix === 0x6f ? 8 : 2);
    }
    // Fast path: a plain decimal integer of up to 15 digits, the common case.
    let value = 0;
    while (isDigit(c) && pos - start < 15) {
      value = value * 10 + (c - 0x30);
      c = text.charCodeAt(++pos);
    }
    if (pos > start && !isDigit(c) && c !== UNDERSCORE && c !== 0x2e && (c | 0x20) !== 0x65 && (c | 0x20) !== 0x6a && !isNameChar(c)) {
      if (text.charCodeAt(start) === 0x30 && pos - start > 1 && value !== 0) this.fail("leading zeros in a decimal integer", start);
      this.pos = pos;
      return value;
    }
    return this.readGeneralNumber(start);
  }

  private digitRun(pos: number): number {
    const text = this.text;
    if (!isDigit(text.charCodeAt(pos))) return pos;
    pos++;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (isDigit(c)) pos++;
      else if (c === UNDERSCORE && isDigit(text.charCodeAt(pos + 1))) pos += 2;
      else return pos;
    }
  }

  private readGeneralNumber(start: number): number | bigint | Complex {
    const text = this.text;
    let pos = this.digitRun(start);
    const intEnd = pos;
    let isFloat = false;
    if (text.charCodeAt(pos) === 0x2e) {
      isFloat = true;
      pos = this.digitRun(pos + 1);
      if (intEnd === start && pos === intEnd + 1) this.fail("invalid number", start);
    } else if (intEnd === start) this.fail("invalid number", start);
    if ((text.charCodeAt(pos) | 0x20) === 0x65) {
      let exp = pos + 1;
      const sign = text.charCodeAt(exp);
      if (sign === 0x2b || sign === 0x2d) exp++;
      const expEnd = this.digitRun(exp);
      if (expEnd === exp) this.fail("invalid exponent", pos);
      pos = expEnd;
      isFloat = true;
    }
    const imaginary = (text.charCodeAt(pos) | 0x20) === 0x6a;
    const end = imaginary ? pos + 1 : pos;
    if (isNameChar(text.charCodeAt(end)) || text.charCodeAt(end) === 0x2e) this.fail("invalid number", start);
    this.pos = end;
    let digits = text.slice(start, pos);
    if (digits.includes("_")) digits = digits.replaceAll("_", "");
    if (imaginary) return new Complex(0, Number(digits));
    if (isFloat) return Number(digits);
    if (digits.length > 1 && digits.charCodeAt(0) === 0x30 && /[1-9]/.test(digits)) this.fail("leading zeros in a decimal integer", start);
    if (digits.length > MAX_INT_DIGITS) this.fail(`integer of more than ${MAX_INT_DIGITS} digits (Python refuses them too)`, start);
    return integer(BigInt(digits));
  }

  private readRadixInteger(radix: 16 | 8 | 2): number | bigint {
    const text = this.text;
    const start = this.pos;
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
    if (digits === "" || isNameChar(text.charCodeAt(pos))) this.fail("invalid integer literal", start);
    this.pos = pos;
    return integer(BigInt((radix === 16 ? "0x" : radix === 8 ? "0o" : "0b") + digits));
  }
}

function digitOf(c: number, radix: number): number {
  const d = hexValue(c);
  return d >= 0 && d < radix ? d : -1;
}

/** An integer as a number when it is exact as one, else a bigint (as msgpack and json decode). */
function integer(value: bigint): number | bigint {
  return value <= MAX_SAFE && value >= -MAX_SAFE ? Number(value) : value;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

const STRING_PREFIXES: ReadonlySet<string> = new Set(["r", "u", "b", "br", "rb"]);

/** Returned by {@link SerpentScanner.readName} when the name is a string prefix (`b'…'`). */
export const STRING_PREFIX: unique symbol = Symbol("string prefix");
