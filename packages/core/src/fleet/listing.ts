/**
 * Reading the name server's answer about a fleet (`watch`'s `names`, or `list(..., return_metadata=True)`
 * from a Python name server). The answer comes from the wire: anything that is not a name mapped to
 * `[PYRO: uri text, [tags]]` is skipped, and a listing beyond {@link MAX_WORKERS} is refused.
 */
import { ProtocolError } from "../errors.js";
import { URI } from "../uri.js";

/** Most workers one pool takes from a listing. */
export const MAX_WORKERS = 10_000;

/** A worker as a listing names it. */
export interface WorkerEntry {
  readonly uri: URI;
  readonly tags: readonly string[];
}

/** The workers of a listing by name, and how many entries were skipped as unusable. */
export interface ParsedListing {
  readonly workers: Map<string, WorkerEntry>;
  readonly skipped: number;
}

/** Reads a listing `{name: [uri, tags]}`; ProtocolError when it is not a mapping or holds too many entries. */
export function parseListing(names: unknown): ParsedListing {
  if (typeof names !== "object" || names === null || Array.isArray(names) || names instanceof Map) {
    throw new ProtocolError(
      `the name server's listing is not a mapping of names (got ${names === null ? "null" : Array.isArray(names) ? "a list" : typeof names})`,
    );
  }
  const keys = Object.keys(names);
  if (keys.length > MAX_WORKERS)
    throw new ProtocolError(`the name server listed ${keys.length} workers, more than a pool takes (${MAX_WORKERS}): narrow the prefix or tags`);
  const workers = new Map<string, WorkerEntry>();
  let skipped = 0;
  for (const name of keys) {
    const entry = workerEntry((names as Record<string, unknown>)[name]);
    if (entry === undefined || name.length === 0) skipped++;
    else workers.set(name, entry);
  }
  return { workers, skipped };
}

function workerEntry(value: unknown): WorkerEntry | undefined {
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [uriValue, tagsValue] = value as [unknown, unknown];
  const uri = uriValue instanceof URI ? uriValue : typeof uriValue === "string" ? URI.tryParse(uriValue) : undefined;
  if (uri === undefined || uri.protocol !== "PYRO") return undefined;
  const tagList = tagsValue instanceof Set ? [...tagsValue] : Array.isArray(tagsValue) ? tagsValue : undefined;
  if (tagList === undefined || tagList.length > 1000 || !tagList.every((t) => typeof t === "string")) return undefined;
  return { uri, tags: Object.freeze([...(tagList as string[])].sort()) };
}
