/**
 * @pyrots/core — Pyro-style remote objects for TypeScript, speaking Pyro4's wire protocol 48.
 *
 * ```ts
 * import { Daemon, Proxy, expose } from "@pyrots/core";
 * ```
 */
export {
  Daemon,
  type DaemonStats,
  type DaemonState,
  type DrainOutcome,
  type RegisterOptions,
  type NameRegistrationOptions,
  type ShutdownOptions,
  type LeaseEvent,
  type HealthEndpoint,
  type HealthEndpointOptions,
  type NameServiceChoice,
} from "./endpoints/daemon.js";
export { shutdownOnSignals, type GracefulStop, type SignalOptions } from "./endpoints/signals.js";
export type { CallbackHosts } from "./endpoints/callbacks.js";
export type { DaemonOptions, ClientInfo, DisconnectedClient, HandshakeValidator } from "./daemon/options.js";
export { Proxy, type ProxyConstructor, type PublicProxyOptions } from "./endpoints/proxy.js";
export { pool, poolStats, type PoolTarget, type PoolOptions, type PoolSettings, type PoolStats, type WorkerStats, type PoolEvent } from "./endpoints/pool.js";
export {
  type ProxyTarget,
  bind,
  release,
  uriOf,
  setAttr,
  withOptions,
  callWithKwargs,
  metadataOf,
  serializerOf,
  refFor,
  isProxy,
  batch,
} from "./proxy/proxy.js";
export { runBatch, BatchError, type Batch } from "./proxy/batch.js";
export { RemoteStream } from "./proxy/stream.js";
export { currentContext, type CallContext, type Closable } from "./daemon/context.js";
export type { ProxyOptions, CallOptions, HandshakeInfo } from "./proxy/options.js";
export {
  type Instrument,
  type CallWatch,
  type ServedCall,
  type SentCall,
  type DaemonActivity,
  type InstrumentedDaemon,
  combineInstruments,
  UNKNOWN_NAME,
  BATCH_METHOD,
} from "./instruments.js";
export type { Remote, RemoteResult, UntypedMember } from "./proxy/remote.js";
export { expose, oneway, callback, idempotent, behavior, type InstanceMode } from "./decorators.js";
export { URI } from "./uri.js";
// From the naming modules themselves, not their index: that one also loads the discovery steps.
export { locateNS, type LocateAttempt, type LocateOptions } from "./naming/locate.js";
export { resolve } from "./naming/resolve.js";
export type { NameServerApi, NameServerHealth, NameServerProxy, NameServerWatchReply } from "./naming/api.js";
export { loadConfig, explainConfig, defaultConfig, ConfigError, configTable, type PyroConfig, type ConfigRow } from "./config.js";
export { ProxyRef, ExceptionWrapper } from "./serializers/classes.js";
export type { DictToClass } from "./serializers/types.js";
export {
  PyroError,
  CommunicationError,
  ConnectionClosedError,
  TimeoutError,
  ProtocolError,
  MessageTooLargeError,
  SerializeError,
  NamingError,
  DaemonError,
  SecurityError,
  RemoteError,
  PythonError,
} from "./errors.js";
