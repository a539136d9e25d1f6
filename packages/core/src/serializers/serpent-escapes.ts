/**
 * What str and bytes literals of the serpent decoder share: the single-char escapes, octal and
 * hex escapes, and where a literal ends.
 */
import type { SerpentCursor } from "./serpent-cursor.js";
import { hexValue } from "./serpent-numbers.js";

/** `'` */
export const QUOTE = 0x27;
/** `"` */
export const DOUBLE_QUOTE = 0x22;
/** `\` */
export const BACKSLASH = 0x5c;
/** Line feed. */
export const LF = 0x0a;
/** Carriage return. */
export const CR = 0x0d;

/** The single-char escapes both str and bytes literals have. */
export const SIMPLE_ESCAPES: ReadonlyMap<number, number> = new Map([
  [BACKSLASH, BACKSLASH],
  [QUOTE, QUOTE],
  [DOUBLE_QUOTE, DOUBLE_QUOTE],
  [0x61, 0x07], // a
  [0x62, 0x08], // b
  [0x66, 0x0c], // f
  [0x6e, LF], // n
  [0x72, CR], // r
  [0x74, 0x09], // t
  [0x76, 0x0b], // v
]);

/** True when the quote at `pos` ends the literal. */
export function closes(text: string, pos: number, quote: number, triple: boolean): boolean {
  return !triple || (text.charCodeAt(pos + 1) === quote && text.charCodeAt(pos + 2) === quote);
}

/** The value of an octal escape whose first digit `first` was just read (up to two more follow). */
export function octal(cursor: SerpentCursor, first: number): number {
  let value = first - 0x30;
  for (let i = 0; i < 2; i++) {
    const d = cursor.text.charCodeAt(cursor.pos);
    if (!(d >= 0x30 && d <= 0x37)) break;
    value = value * 8 + d - 0x30;
    cursor.pos++;
  }
  return value;
}

/** The value of `count` hex digits at the cursor (SerializeError naming `form` when they are not). */
export function hexDigits(cursor: SerpentCursor, count: number, at: number, form: string): number {
  let value = 0;
  for (let i = 0; i < count; i++) {
    const d = hexValue(cursor.text.charCodeAt(cursor.pos + i));
    if (d < 0) cursor.fail(`truncated ${form} escape`, at);
    value = value * 16 + d;
  }
  cursor.pos += count;
  return value;
}
