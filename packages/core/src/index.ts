/**
 * @pyrots/core — Pyro-style remote objects for TypeScript, speaking Pyro4's wire protocol 48.
 *
 * ```ts
 * import { Daemon, Proxy, expose } from "@pyrots/core";
 * ```
 */
// Decorator metadata needs reflect-metadata loaded before any decorated class is defined.
import "reflect-metadata";

export { Daemon, type RegisterOptions } from "./daemon/daemon.js";
export type { DaemonOptions, ClientInfo, HandshakeValidator } from "./daemon/options.js";
export { Proxy, type ProxyConstructor, type ProxyTarget, bind, release, uriOf, setAttr, withOptions, callWithKwargs, metadataOf, refFor, isProxy } from "./proxy/proxy.js";
export type { ProxyOptions, CallOptions } from "./proxy/options.js";
export type { Remote, RemoteResult } from "./proxy/remote.js";
export { expose, oneway, callback, behavior, type InstanceMode } from "./decorators.js";
export { URI } from "./uri.js";
export { loadConfig, type PyroConfig } from "./config.js";
export { ProxyRef, ExceptionWrapper } from "./serializers/classes.js";
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
