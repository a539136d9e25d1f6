/**
 * Storage backends of the name server and the spec that selects one: `memory`, `sql:FILE` or
 * `etcd:HOST:PORT[,HOST:PORT...][/PREFIX][?OPTIONS]` (see {@link parseEtcdSpec}).
 */
import { EtcdStorage } from "./etcd.js";
import { parseEtcdSpec } from "./etcd-spec.js";
import { MemoryStorage } from "./memory.js";
import { StorageSpecError } from "./spec-error.js";
import { SqlStorage } from "./sql.js";
import type { NameStorage } from "./types.js";

export { EtcdStorage } from "./etcd.js";
export { DEFAULT_ETCD_PREFIX, type EtcdStorageOptions, parseEtcdSpec } from "./etcd-spec.js";
export { MemoryStorage } from "./memory.js";
export { StorageSpecError } from "./spec-error.js";
export { SqlStorage } from "./sql.js";
export { MAX_LEASE_TTL, type Awaitable, type NameStorage, type Registration, type StorageFilter, type StorageHealth } from "./types.js";

/** The storage specs, as usage texts put it. */
export const STORAGE_SPECS = "memory, sql:FILE or etcd:HOST:PORT[,HOST:PORT...][/PREFIX]";

/**
 * Opens the storage a spec names: `memory` (default), `sql:FILE` or `etcd:...`. An etcd storage
 * connects in its `start()`, which the name server calls.
 */
export function openStorage(spec = "memory"): NameStorage {
  if (spec === "memory") return new MemoryStorage();
  if (spec.startsWith("sql:")) {
    const file = spec.slice(4);
    if (!file) throw new StorageSpecError(`invalid storage "${spec}": sql: needs a file name (sql:FILE)`);
    if (file === ":memory:") throw new StorageSpecError(`invalid storage "${spec}": use "memory" for a volatile name server`);
    return new SqlStorage(file);
  }
  if (spec.startsWith("etcd:")) return new EtcdStorage(parseEtcdSpec(spec));
  throw new StorageSpecError(`invalid storage "${spec}" (expected ${STORAGE_SPECS})`);
}
