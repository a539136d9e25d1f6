/**
 * @pyrots/nameserver — the name server, its tools, and the echo server.
 *
 * ```ts
 * import { startNameServer } from "@pyrots/nameserver";
 * await using ns = await startNameServer({ host: "0.0.0.0", storage: "sql:names.db" });
 * ```
 */
export { EchoServer, ECHO_OBJECT_ID } from "./echoserver.js";
export { NameServer, NAMESERVER_NAME, NAMESERVER_METADATA, type NameServerObjectOptions } from "./nameserver.js";
export { DEFAULT_LIMITS, type NameServerLimits } from "./limits.js";
export { startNameServer, type NameServerOptions, type RunningNameServer } from "./server.js";
export { AutoCleaner, MIN_AUTOCLEAN_PERIOD, reachable, type AutoCleanOptions } from "./autoclean.js";
export { pingTarget, resolveHost, type PingPolicyContext, type PingTarget } from "./autoclean-policy.js";
export {
  EtcdStorage,
  MAX_LEASE_TTL,
  MemoryStorage,
  STORAGE_SPECS,
  SqlStorage,
  StorageSpecError,
  openStorage,
  parseEtcdSpec,
  type Awaitable,
  type EtcdStorageOptions,
  type NameStorage,
  type Registration,
  type StorageFilter,
  type StorageHealth,
} from "./storage/index.js";
export { InvalidRegexError, compilePythonMatch } from "./search/regex.js";
export { ANY_HOSTS, canonicalIp, classifyHost, firstExternalIPv4, reachableHost } from "./netutil.js";
export { printable } from "./printable.js";
