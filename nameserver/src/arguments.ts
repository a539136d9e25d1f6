/**
 * Checks of the name server's arguments, with Pyro4's error types and messages where Pyro4 has
 * them, and the bounds of {@link NameServerLimits}. Counts and lengths are checked before anything
 * is iterated or copied, so an oversized argument costs little to refuse.
 */
import { NamingError, PythonError, URI } from "@pyrots/core";
import type { NameServerLimits } from "./limits.js";

/** The URI text of `uri` (a URI or a string, validated by parsing), at most `maxUriLength` long. */
export function uriText(uri: unknown, limits: NameServerLimits): string {
  if (uri instanceof URI) return checkUriLength(uri.toString(), limits);
  if (typeof uri !== "string") throw new PythonError("builtins.TypeError", "only URIs or strings can be registered");
  checkUriLength(uri, limits);
  return checkUriLength(URI.parse(uri).toString(), limits);
}

function checkUriLength(text: string, limits: NameServerLimits): string {
  if (text.length > limits.maxUriLength) throw valueError(`URI too long: ${text.length} characters (the limit is ${limits.maxUriLength})`);
  return text;
}

/** Names must be usable in `PYRONAME:name` URIs: non-empty, no whitespace, not too long. */
export function checkName(name: unknown, limits: NameServerLimits): asserts name is string {
  if (typeof name !== "string") throw new PythonError("builtins.TypeError", "name must be a str");
  if (name === "") throw new NamingError("invalid name: the name is empty");
  if (name.length > limits.maxNameLength) throw valueError(`name too long: ${name.length} characters (the limit is ${limits.maxNameLength})`);
  if (/\s/.test(name)) throw new NamingError(`invalid name ${JSON.stringify(name)}: names cannot contain whitespace`);
}

/** A name given to `lookup`/`remove`: a str (any length: it is only compared). */
export function checkLookupName(name: unknown): asserts name is string {
  if (typeof name !== "string") throw new PythonError("builtins.TypeError", "name must be a str");
}

/** The tags of a registration: unique, at most `maxTags`, each at most `maxTagLength` long. */
export function registrationTags(value: unknown, limits: NameServerLimits): string[] {
  return tagsOf(value, "metadata", limits.maxTags, limits.maxTagLength) ?? [];
}

/** The tags of a query (`metadata_all`, `meta_any`, ...); undefined when none were given. */
export function queryTags(value: unknown, what: string, limits: NameServerLimits): string[] | undefined {
  return tagsOf(value, what, limits.maxQueryTags, limits.maxTagLength);
}

/** Refuses a registration larger than `maxRegistrationSize` characters in total. */
export function checkRegistrationSize(name: string, uri: string, tags: readonly string[], limits: NameServerLimits): void {
  let size = name.length + uri.length;
  for (const tag of tags) size += tag.length;
  if (size > limits.maxRegistrationSize) {
    throw valueError(`registration too large: ${size} characters of name, URI and metadata (the limit is ${limits.maxRegistrationSize})`);
  }
}

/** Tags from an array or set of strings; null/undefined stay undefined. A str is refused as Pyro4 does. */
function tagsOf(value: unknown, what: string, maxCount: number, maxLength: number): string[] | undefined {
  if (value == null) return undefined;
  if (typeof value === "string") throw new PythonError("builtins.TypeError", `${what} should not be a str, but another iterable (set, list, etc)`);
  if (!Array.isArray(value) && !(value instanceof Set)) throw new PythonError("builtins.TypeError", `${what} must be a list or set of str`);
  const count = Array.isArray(value) ? value.length : value.size;
  if (count > maxCount) throw valueError(`${what} has ${count} tags (the limit is ${maxCount})`);
  const tags = new Set<string>();
  for (const tag of value as Iterable<unknown>) {
    if (typeof tag !== "string") throw new PythonError("builtins.TypeError", `${what} must contain only str, got ${tag === null ? "None" : typeof tag}`);
    if (tag.length > maxLength) throw valueError(`${what} tag too long: ${tag.length} characters (the limit is ${maxLength})`);
    tags.add(tag);
  }
  return [...tags];
}

function valueError(message: string): PythonError {
  return new PythonError("builtins.ValueError", message);
}
