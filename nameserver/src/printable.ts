/**
 * Peer-supplied text made safe for a terminal. Names, URIs, tags and error messages come from the
 * name server, which takes them from anyone: printed raw, an escape sequence could clear or
 * rewrite the operator's screen, and a `\r`, `\n` or bidi control could forge lines.
 *
 * Plain text is printed as it is. Text with anything unusual (control, format, bidi, separator,
 * private-use or unassigned characters, any whitespace, a backslash or a quote) is printed the way
 * Python's `repr` shows a str: in single quotes, with `\n`, `\x1b`, `\u202e`, ... made visible.
 */

const UNUSUAL = /[\p{C}\p{Z}\s\\'"]/u;
const SHOWN_AS_IS = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const NAMED: Readonly<Record<string, string>> = { "\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** `text` as it is when plain, else quoted with every unusual character escaped. */
export function printable(text: string): string {
  if (!UNUSUAL.test(text)) return text;
  let out = "'";
  for (const ch of text) out += escapeChar(ch);
  return out + "'";
}

function escapeChar(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  if (SHOWN_AS_IS.test(ch)) return ch;
  const code = ch.codePointAt(0)!;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, "0")}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, "0")}`;
  return `\\U${code.toString(16).padStart(8, "0")}`;
}

const CONTROL = /[\p{C}\p{Zl}\p{Zp}]|(?! )\p{Zs}/gu;

/**
 * A line of prose (an error message) with its control, format, bidi and separator characters made
 * visible (`\x1b`, `\u202e`, `\n`); unlike {@link printable} it is not quoted, spaces stay spaces.
 */
export function printableLine(text: string): string {
  return text.replace(CONTROL, escapeChar);
}
