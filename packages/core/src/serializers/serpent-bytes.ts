/**
 * Python bytes literals (`b'…'`, `br'…'`, `rb'…'`) for the serpent decoder: ASCII text with
 * escapes (`\xhh`, `\ooo`, `\n` …; `\u` and unknown escapes keep their backslash), read char by
 * char straight into a growing buffer. Serpent writes them when asked to (`bytes_repr`, Pyro5's
 * `SERPENT_BYTES_REPR`); by default bytes come as a base64 dict.
 */
import type { SerpentCursor } from "./serpent-cursor.js";
import { BACKSLASH, CR, LF, SIMPLE_ESCAPES, closes, hexDigits, octal } from "./serpent-escapes.js";
import { hexValue } from "./serpent-numbers.js";

/** A byte buffer that grows by doubling. */
class ByteSink {
  bytes = Buffer.allocUnsafe(64);
  length = 0;

  room(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + extra));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  push(byte: number): void {
    if (this.length === this.bytes.length) this.room(1);
    this.bytes[this.length++] = byte;
  }

  /** The bytes written, in a buffer of their own size. */
  take(): Buffer {
    return Buffer.from(this.bytes.subarray(0, this.length));
  }
}

/** The body of a bytes literal, the cursor just after its opening quote(s); the cursor ends after the closing ones. */
export function readBytesBody(cursor: SerpentCursor, quote: number, triple: boolean, raw: boolean): Buffer {
  const text = cursor.text;
  const length = text.length;
  const open = cursor.pos - (triple ? 3 : 1);
  const out = new ByteSink();
  let pos = cursor.pos;
  // Char by char: in binary data escapes come every few chars, too often for a regex per run.
  for (;;) {
    if (pos >= length) cursor.fail("unterminated bytes literal", open);
    const c = text.charCodeAt(pos);
    if (c < 0x80 && PLAIN_BYTE[c] === 1 && c !== quote) {
      out.push(c);
      pos++;
    } else if (c === quote) {
      if (closes(text, pos, quote, triple)) break;
      out.push(c);
      pos++;
    } else if (c === BACKSLASH) {
      if (pos + 1 >= length) cursor.fail("unterminated bytes literal", open);
      // \xhh, the escape of binary data, without a call.
      if (!raw && text.charCodeAt(pos + 1) === 0x78) {
        const high = hexValue(text.charCodeAt(pos + 2));
        const low = hexValue(text.charCodeAt(pos + 3));
        if (high >= 0 && low >= 0) {
          out.push(high * 16 + low);
          pos += 4;
          continue;
        }
      }
      cursor.pos = pos + 1;
      if (raw) out.push(BACKSLASH);
      else bytesEscape(cursor, out);
      pos = cursor.pos;
      // After a raw backslash the next char is taken as it is (it cannot end the literal).
      if (raw) {
        const next = text.charCodeAt(pos);
        if (next > 0x7f || next === 0) cursor.fail(next === 0 ? "NUL character in a bytes literal" : "bytes literals may only contain ASCII characters", pos);
        out.push(next === CR ? LF : next);
        pos += next === CR && text.charCodeAt(pos + 1) === LF ? 2 : 1;
      }
    } else if (c === LF || c === CR) {
      if (!triple) cursor.fail("line break inside a bytes literal", pos);
      out.push(LF);
      pos += c === CR && text.charCodeAt(pos + 1) === LF ? 2 : 1;
    } else {
      cursor.fail(c === 0 ? "NUL character in a bytes literal" : "bytes literals may only contain ASCII characters", pos);
    }
  }
  cursor.pos = pos + (triple ? 3 : 1);
  return out.take();
}

/** 1 for the ASCII chars a bytes literal holds as themselves (quotes are checked apart). */
const PLAIN_BYTE = new Uint8Array(128).map((_, c) => (c === 0 || c === LF || c === CR || c === BACKSLASH ? 0 : 1));

/** One escape of a bytes literal into `out`, the cursor just after its backslash. */
function bytesEscape(cursor: SerpentCursor, out: ByteSink): void {
  const text = cursor.text;
  const at = cursor.pos - 1;
  const c = text.charCodeAt(cursor.pos++);
  const simple = SIMPLE_ESCAPES.get(c);
  if (simple !== undefined) return out.push(simple);
  if (c === LF) return;
  if (c === CR) {
    if (text.charCodeAt(cursor.pos) === LF) cursor.pos++;
    return;
  }
  if (c === 0x78) return out.push(hexDigits(cursor, 2, at, "\\xXX"));
  // Python 3.11 keeps the low byte of an octal escape beyond \377 in bytes.
  if (c >= 0x30 && c <= 0x37) return out.push(octal(cursor, c) & 0xff);
  // Anything else (\u, \N, unknown) keeps its backslash; the char is read as itself.
  cursor.pos--;
  out.push(BACKSLASH);
}
