/**
 * Hostile value trees written as serpent text (Python literal syntax) in varying styles: tuples,
 * sets, `b''` literals or serpent's base64 dicts, every string escape, hex ints, comments and
 * line breaks, non-string dict keys. Written by hand, like hostile.ts, so that it can say what no
 * well-behaved encoder says.
 */
import fc from "fast-check";
import { type Hostile, MpExt, MpF32, MpMap, MpRaw } from "./hostile.js";

/** Serpent's header line. */
export const SERPENT_HEADER = "# serpent utf-8 python3.2\n";

/** How a tree is spelled (each flag picks one of the equivalent Python spellings). */
export interface SerpentStyle {
  /** Arrays as tuples `(a, b)` instead of lists. */
  tuples: boolean;
  /** Arrays of scalars as set literals `{a, b}`. */
  sets: boolean;
  /** Every string char as an escape (`\x41`, `\u00e9`, `\U0001f600`, `\101`). */
  escapes: boolean;
  /** Buffers as `b'…'` literals instead of serpent's base64 dict. */
  bytesRepr: boolean;
  /** Integers in hex. */
  hex: boolean;
  /** Spaces, line breaks and comments between tokens. */
  spacing: boolean;
  /** Double quotes instead of single ones. */
  doubleQuotes: boolean;
  /** No header line. */
  noHeader: boolean;
}

/** Serpent as Pyro writes it: header, lists, single quotes, base64 dicts for bytes. */
export const PLAIN_STYLE: SerpentStyle = Object.freeze({
  tuples: false,
  sets: false,
  escapes: false,
  bytesRepr: false,
  hex: false,
  spacing: false,
  doubleQuotes: false,
  noHeader: false,
});

/** Random styles. */
export const serpentStyle: fc.Arbitrary<SerpentStyle> = fc.record({
  tuples: fc.boolean(),
  sets: fc.boolean(),
  escapes: fc.boolean(),
  bytesRepr: fc.boolean(),
  hex: fc.boolean(),
  spacing: fc.boolean(),
  doubleQuotes: fc.boolean(),
  noHeader: fc.boolean(),
});

function escapeChar(code: number, i: number): string {
  if (code > 0xffff) return "\\U" + code.toString(16).padStart(8, "0");
  if (code > 0xff || i % 3 === 0) return "\\u" + code.toString(16).padStart(4, "0");
  if (i % 3 === 1 && code < 0o400) return "\\" + code.toString(8).padStart(3, "0");
  return "\\x" + code.toString(16).padStart(2, "0");
}

/** A Python str literal for `text`. */
export function strLiteral(text: string, style: SerpentStyle): string {
  const quote = style.doubleQuotes ? '"' : "'";
  let body = "";
  let i = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (style.escapes) body += escapeChar(code, i++);
    else if (ch === quote || ch === "\\") body += "\\" + ch;
    else if (code < 0x20 || code === 0x7f || (code >= 0xd800 && code <= 0xdfff)) body += escapeChar(code, 0);
    else body += ch;
  }
  return quote + body + quote;
}

function bytesLiteral(bytes: Buffer, style: SerpentStyle): string {
  if (!style.bytesRepr) return `{'data': '${bytes.toString("base64")}', 'encoding': 'base64'}`;
  let body = "";
  for (const b of bytes) body += b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c ? String.fromCharCode(b) : "\\x" + b.toString(16).padStart(2, "0");
  return "b'" + body + "'";
}

function numberLiteral(value: number, style: SerpentStyle): string {
  if (Number.isNaN(value)) return "{'__class__': 'float', 'value': 'nan'}";
  if (value === Infinity) return "1e30000";
  if (value === -Infinity) return "-1e30000";
  if (Number.isSafeInteger(value)) return style.hex ? (value < 0 ? "-0x" + (-value).toString(16) : "0x" + value.toString(16)) : String(value);
  const text = String(value);
  return /[.e]/.test(text) ? text : text + ".0";
}

function isScalar(value: Hostile): boolean {
  return value === null || typeof value !== "object" || value instanceof MpF32;
}

/** Serpent text for a hostile tree (no header). */
export function serpentValue(value: Hostile, style: SerpentStyle): string {
  const comma = style.spacing ? ", \n  " : ",";
  const colon = style.spacing ? " : " : ":";
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return numberLiteral(value, style);
  if (typeof value === "bigint") return style.hex ? (value < 0n ? "-0x" + (-value).toString(16) : "0x" + value.toString(16)) : value.toString();
  if (typeof value === "string") return strLiteral(value, style);
  if (Buffer.isBuffer(value)) return bytesLiteral(value, style);
  if (value instanceof MpF32) return numberLiteral(value.value, style);
  // Raw msgpack bytes (hostile ext types) have no serpent spelling.
  if (value instanceof MpRaw) return "None";
  if (value instanceof MpExt) return `(${value.type}${value.data.length % 2 ? "-" : "+"}${value.data.length}j)`;
  if (value instanceof MpMap) {
    const entries = value.entries.map(([k, v]) => serpentValue(k, style) + colon + serpentValue(v, style));
    return "{" + entries.join(comma) + (style.spacing && entries.length > 0 ? ", # trailing\n" : "") + "}";
  }
  const items = value.map((v) => serpentValue(v, style));
  if (style.sets && items.length > 0 && value.every(isScalar)) return "{" + items.join(comma) + "}";
  if (style.tuples) return "(" + items.join(comma) + (items.length === 1 ? ",)" : ")");
  return "[" + items.join(comma) + "]";
}

/** A whole serpent payload for a tree. */
export function serpentText(value: Hostile, style: SerpentStyle): Buffer {
  return Buffer.from((style.noHeader ? "" : SERPENT_HEADER) + serpentValue(value, style), "utf8");
}

/** A call tuple `(object, method, (args…), kwargs)` as Pyro's serpent serializer writes it. */
export function serpentCall(objectId: Hostile, method: Hostile, args: Hostile, kwargs: Hostile, style: SerpentStyle): Buffer {
  const argsText = Array.isArray(args) ? "(" + args.map((a) => serpentValue(a, style)).join(",") + (args.length === 1 ? ",)" : ")") : serpentValue(args, style);
  const parts = [serpentValue(objectId, style), serpentValue(method, style), argsText, serpentValue(kwargs, style)];
  return Buffer.from((style.noHeader ? "" : SERPENT_HEADER) + "(" + parts.join(",") + ")", "utf8");
}
