/**
 * The answers of `list` and `yplookup`: prototype-free records of name → URI text (or
 * `[uri text, tags]`), refused when larger than the listing size limit.
 */
import { NamingError } from "@pyrots/core";
import type { Registration } from "./storage/types.js";

/** Name → URI text; built without a prototype. */
export type Plain = Record<string, string>;
/** Name → `[uri text, tags]`; built without a prototype. */
export type WithMetadata = Record<string, [string, string[]]>;

/**
 * The listing of `entries`. Throws NamingError when its names, URIs (and tags) add up to more
 * than `maxSize` characters: such an answer would take long to encode and send, for every client.
 */
export function listing(entries: ReadonlyMap<string, Registration>, withMetadata: boolean, maxSize: number): Plain | WithMetadata {
  let size = 0;
  for (const [name, entry] of entries) {
    size += name.length + entry.uri.length;
    if (withMetadata) for (const tag of entry.metadata) size += tag.length;
    if (size > maxSize) {
      throw new NamingError(`listing too large: ${entries.size} names, more than ${maxSize} characters (narrow it with a prefix, regex or metadata filter)`);
    }
  }
  // No prototype: a registered name such as "__proto__" must stay an ordinary key.
  const result = Object.create(null) as Record<string, unknown>;
  for (const [name, entry] of entries) result[name] = withMetadata ? [entry.uri, [...entry.metadata]] : entry.uri;
  return result as Plain | WithMetadata;
}
