/**
 * The error for a storage spec (`-s` of pyro-ns, `storage` of startNameServer) that names no storage.
 */

/** Thrown for a storage spec that is not `memory`, `sql:FILE` or `etcd:ENDPOINTS[/PREFIX][?OPTIONS]`. */
export class StorageSpecError extends Error {}
