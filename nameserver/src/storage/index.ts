/**
 * Storage backends of the name server and the `memory` / `sql:FILE` spec that selects one.
 */
import { MemoryStorage } from "./memory.js";
import { SqlStorage } from "./sql.js";
import type { NameStorage } from "./types.js";

export { MemoryStorage } from "./memory.js";
export { SqlStorage } from "./sql.js";
export type { NameStorage, Registration, StorageFilter } from "./types.js";

/** Thrown for a storage spec that is neither `memory` nor `sql:FILE`. */
export class StorageSpecError extends Error {}

/** Opens the storage a spec names: `memory` (default) or `sql:FILE`. */
export function openStorage(spec = "memory"): NameStorage {
  if (spec === "memory") return new MemoryStorage();
  if (spec.startsWith("sql:")) {
    const file = spec.slice(4);
    if (!file) throw new StorageSpecError(`invalid storage "${spec}": sql: needs a file name (sql:FILE)`);
    if (file === ":memory:") throw new StorageSpecError(`invalid storage "${spec}": use "memory" for a volatile name server`);
    return new SqlStorage(file);
  }
  throw new StorageSpecError(`invalid storage "${spec}" (expected memory or sql:FILE)`);
}
