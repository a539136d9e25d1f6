/**
 * Fleets as the console shows them: groups of registered names that belong together, found from
 * the name server's listing alone (so every gateway, on any name server replica, shows the same):
 * every name under one prefix (the name up to its last dot), and every name carrying one metadata
 * tag, when the group has at least two members.
 */
import type { NameEntry } from "./protocol.js";

/** A group of names. */
export interface Fleet {
  /** `prefix:<prefix>` or `tag:<tag>`. */
  id: string;
  /** The prefix (with a trailing `.*`) or the tag. */
  label: string;
  by: "prefix" | "tag";
  /** Member names, sorted. */
  members: string[];
}

/** The fleets among `names`: prefix fleets first, then tag fleets, each sorted by label. */
export function fleetsOf(names: readonly NameEntry[]): Fleet[] {
  const prefixes = new Map<string, string[]>();
  const tags = new Map<string, string[]>();
  for (const entry of names) {
    const dot = entry.name.lastIndexOf(".");
    if (dot > 0) add(prefixes, entry.name.slice(0, dot), entry.name);
    for (const tag of new Set(entry.metadata)) add(tags, tag, entry.name);
  }
  return [...groups(prefixes, "prefix"), ...groups(tags, "tag")];
}

function add(map: Map<string, string[]>, key: string, name: string): void {
  const members = map.get(key);
  if (members) members.push(name);
  else map.set(key, [name]);
}

function groups(map: Map<string, string[]>, by: "prefix" | "tag"): Fleet[] {
  return [...map]
    .filter(([, members]) => members.length >= 2)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, members]) => ({ id: `${by}:${key}`, label: by === "prefix" ? `${key}.*` : key, by, members: members.sort() }));
}
