/**
 * A cheap, generous guess of how many bytes a value takes once serialized, for a batch of remote
 * iterator items when the connection's serializer is not known (it normally is: items are then
 * measured by encoding them).
 * Strings count 3 bytes per UTF-16 unit (UTF-8's worst case, and JSON escapes stay close), every
 * other leaf a fixed overhead. Past a number of nodes the guess gives up and answers `Infinity`:
 * such an item goes out in a batch of its own.
 */

/** Nodes looked at before the guess gives up. */
const NODE_BUDGET = 2000;
/** Bytes counted for each number, boolean, null and container header (msgpack at most 9, JSON a few digits more). */
const LEAF_BYTES = 24;

/** An upper estimate of `value`'s serialized size in bytes, or Infinity when it is too large or deep to judge cheaply. */
export function estimateItemSize(value: unknown): number {
  const pending: unknown[] = [value];
  let nodes = 0;
  let bytes = 0;
  while (pending.length > 0) {
    if (++nodes > NODE_BUDGET) return Infinity;
    const item = pending.pop();
    bytes += LEAF_BYTES;
    if (typeof item === "string") {
      bytes += item.length * 3;
    } else if (typeof item === "bigint") {
      bytes += item.toString(16).length;
    } else if (typeof item === "object" && item !== null) {
      if (ArrayBuffer.isView(item)) bytes += item.byteLength * 2;
      else if (item instanceof ArrayBuffer) bytes += item.byteLength * 2;
      else if (Array.isArray(item)) pending.push(...item.slice(0, NODE_BUDGET));
      else if (item instanceof Map) for (const [k, v] of item) pending.push(k, v);
      else if (item instanceof Set) for (const v of item) pending.push(v);
      else for (const key of Object.keys(item)) pending.push(key, (item as Record<string, unknown>)[key]);
    }
    if (pending.length > NODE_BUDGET) return Infinity;
  }
  return bytes;
}
