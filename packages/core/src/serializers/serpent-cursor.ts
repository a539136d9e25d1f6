/**
 * The cursor of the serpent decoder over the payload decoded to a JS string: position, errors
 * with byte offsets, Python's whitespace and comments, and names (`True`, `False`, `None`,
 * string prefixes). Strings are read by serpent-strings.ts, numbers by serpent-numbers.ts.
 */
import { SerializeError } from "../errors.js";

const QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LF = 0x0a;
const CR = 0x0d;

/** True for the chars of a Python identifier (ASCII part; serpent writes no others). */
export function isNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

/** A position in serpent text; the parser builds values on top. */
export class SerpentCursor {
  /** Index of the next char of {@link text}. */
  pos = 0;
  /**
   * Short strings seen in this text, by a hash of their chars: a dict key or value that repeats
   * comes back as the same string, unallocated and already known to V8 as a property key.
   */
  recent: (string | undefined)[] | undefined;

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
    const first = text.charCodeAt(pos);
    // Most calls find a token right away: nothing below '#' but space, and '\\' continues lines.
    if (first > 0x23 && first !== BACKSLASH) return;
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
}

const STRING_PREFIXES: ReadonlySet<string> = new Set(["r", "u", "b", "br", "rb"]);

/** Returned by {@link SerpentCursor.readName} when the name is a string prefix (`b'…'`). */
export const STRING_PREFIX: unique symbol = Symbol("string prefix");
