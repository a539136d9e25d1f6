/**
 * Python string and bytes literals for the serpent decoder.
 *
 * | text                                    | JS value                                      |
 * | --------------------------------------- | --------------------------------------------- |
 * | `'…'` `"…"` `'''…'''` `"""…"""`, `u'…'`  | string; every escape of Python but `\N{name}`  |
 * | `r'…'`                                  | string, backslashes kept                      |
 * | `b'…'`, `br'…'`, `rb'…'`                | Buffer (ASCII text; `\xhh`, `\ooo`, `\n` …)    |
 * | adjacent literals `'a' "b"`             | one value, concatenated (as Python does)       |
 *
 * In str literals, runs of plain characters are found with sticky regular expressions (V8 scans
 * them natively); bytes literals are read by serpent-bytes.ts. Nothing is allocated from a size
 * the payload declares: every value is at most as long as its own text.
 */
import { readBytesBody } from "./serpent-bytes.js";
import { STRING_PREFIX, type SerpentCursor, isNameChar } from "./serpent-cursor.js";
import { BACKSLASH, CR, DOUBLE_QUOTE, LF, QUOTE, SIMPLE_ESCAPES, closes, hexDigits, octal } from "./serpent-escapes.js";

/** Chars that need no attention inside a str literal, per quote. */
const STR_RUN = { [QUOTE]: /[^'\\\n\r\0]*/y, [DOUBLE_QUOTE]: /[^"\\\n\r\0]*/y } as const;

/** Reads one string or bytes literal at the cursor, plus any adjacent ones (Python concatenates them). */
export function readStrings(cursor: SerpentCursor): string | Buffer {
  const plain = readPlainStr(cursor);
  if (plain !== undefined) return plain;
  const first = readLiteral(cursor);
  let text = typeof first === "string" ? first : undefined;
  let parts: Buffer[] | undefined;
  for (;;) {
    const save = cursor.pos;
    cursor.skipSpace();
    const c = cursor.text.charCodeAt(cursor.pos);
    if (!(c === QUOTE || c === DOUBLE_QUOTE || (isNameChar(c) && cursor.readName() === STRING_PREFIX))) {
      cursor.pos = save;
      break;
    }
    const at = cursor.pos;
    const next = readLiteral(cursor);
    if (typeof next !== typeof first) cursor.fail("cannot mix bytes and str literals", at);
    if (text !== undefined) text += next as string;
    else (parts ??= [first as Buffer]).push(next as Buffer);
  }
  if (text !== undefined) return text;
  return parts ? Buffer.concat(parts) : (first as Buffer);
}

/** Up to this many chars, a str is checked by a loop rather than a regular expression. */
const SHORT = 64;

/**
 * The common case, fast: a short `'…'` or `"…"` without escapes, followed by a separator. Returns
 * undefined (cursor unmoved) for anything else.
 */
function readPlainStr(cursor: SerpentCursor): string | undefined {
  const text = cursor.text;
  const start = cursor.pos;
  const quote = text.charCodeAt(start);
  if (quote !== QUOTE && quote !== DOUBLE_QUOTE) return undefined;
  const limit = Math.min(text.length, start + SHORT);
  let pos = start + 1;
  for (; pos < limit; pos++) {
    const c = text.charCodeAt(pos);
    if (c === quote) break;
    if (c === BACKSLASH || c === LF || c === CR || c === 0) return undefined;
  }
  // Not closed within SHORT chars, the empty start of a triple quote, or possibly followed by an adjacent literal.
  if (pos >= limit || (pos === start + 1 && text.charCodeAt(pos + 1) === quote)) return undefined;
  const next = text.charCodeAt(pos + 1);
  if (!(next === 0x2c || next === 0x3a || next === 0x5d || next === 0x7d || next === 0x29 || pos + 1 === text.length)) return undefined;
  cursor.pos = pos + 1;
  const length = pos - start - 1;
  if (length === 0) return "";
  const recent = (cursor.recent ??= new Array<string | undefined>(RECENT_SLOTS));
  const slot = (length * 31 + text.charCodeAt(start + 1) * 7 + text.charCodeAt(pos - 1)) & (RECENT_SLOTS - 1);
  const seen = recent[slot];
  if (seen !== undefined && seen.length === length && text.startsWith(seen, start + 1)) return seen;
  return (recent[slot] = text.slice(start + 1, pos));
}

/** Slots of {@link SerpentCursor.recent} (a power of two). */
const RECENT_SLOTS = 256;

/** One literal at the cursor, prefix included (readName has checked the prefix). */
function readLiteral(cursor: SerpentCursor): string | Buffer {
  const text = cursor.text;
  let raw = false;
  let bytes = false;
  for (;;) {
    const c = text.charCodeAt(cursor.pos) | 0x20;
    if (c === 0x72) raw = true;
    else if (c === 0x62) bytes = true;
    else if (c !== 0x75) break;
    cursor.pos++;
  }
  const quote = text.charCodeAt(cursor.pos);
  if (quote !== QUOTE && quote !== DOUBLE_QUOTE) cursor.fail("expected a quote");
  const triple = text.charCodeAt(cursor.pos + 1) === quote && text.charCodeAt(cursor.pos + 2) === quote;
  cursor.pos += triple ? 3 : 1;
  return bytes ? readBytesBody(cursor, quote, triple, raw) : readStrBody(cursor, quote, triple, raw);
}

function readStrBody(cursor: SerpentCursor, quote: number, triple: boolean, raw: boolean): string {
  const text = cursor.text;
  const open = cursor.pos - (triple ? 3 : 1);
  const run = STR_RUN[quote as typeof QUOTE];
  let pos = cursor.pos;
  let segment = pos;
  let out = "";
  for (;;) {
    run.lastIndex = pos;
    run.test(text);
    pos = run.lastIndex;
    if (pos >= text.length) cursor.fail("unterminated string literal", open);
    const c = text.charCodeAt(pos);
    if (c === quote) {
      if (closes(text, pos, quote, triple)) break;
      pos++;
    } else if (c === BACKSLASH) {
      out += text.slice(segment, pos);
      if (pos + 1 >= text.length) cursor.fail("unterminated string literal", open);
      if (raw) {
        // In a raw literal the backslash stays, and the char after it cannot end the literal.
        out += text.slice(pos, pos + 2);
        pos += 2;
      } else {
        cursor.pos = pos + 1;
        out += strEscape(cursor);
        pos = cursor.pos;
      }
      segment = pos;
    } else if (c === LF || c === CR) {
      if (!triple) cursor.fail("line break inside a string literal", pos);
      // Python reads source with universal newlines: \r\n and \r become \n.
      if (c === CR) {
        out += text.slice(segment, pos) + "\n";
        pos += text.charCodeAt(pos + 1) === LF ? 2 : 1;
        segment = pos;
      } else pos++;
    } else {
      cursor.fail("NUL character in a string literal", pos);
    }
  }
  out += text.slice(segment, pos);
  cursor.pos = pos + (triple ? 3 : 1);
  return out;
}

/** One escape of a str literal, the cursor just after its backslash. */
function strEscape(cursor: SerpentCursor): string {
  const text = cursor.text;
  const at = cursor.pos - 1;
  const c = text.charCodeAt(cursor.pos++);
  const simple = SIMPLE_ESCAPES.get(c);
  if (simple !== undefined) return String.fromCharCode(simple);
  switch (c) {
    case LF:
      return "";
    case CR:
      if (text.charCodeAt(cursor.pos) === LF) cursor.pos++;
      return "";
    case 0x78: // x
      return String.fromCharCode(hexDigits(cursor, 2, at, "\\xXX"));
    case 0x75: // u
      return String.fromCharCode(hexDigits(cursor, 4, at, "\\uXXXX"));
    case 0x55: {
      // U
      const code = hexDigits(cursor, 8, at, "\\UXXXXXXXX");
      if (code > 0x10ffff) cursor.fail("\\U escape beyond U+10FFFF", at);
      return String.fromCodePoint(code);
    }
    case 0x4e: // N
      return cursor.fail("\\N{name} escapes are not supported by pyrots (serpent never writes them)", at);
  }
  if (c >= 0x30 && c <= 0x37) return String.fromCharCode(octal(cursor, c));
  // An unknown escape keeps its backslash (Python warns, and keeps it too).
  cursor.pos--;
  return "\\";
}
