/**
 * A daemon's settings: built once from `Daemon.create`'s options and the configuration, then
 * shared, unchanged, by the daemon and every client connection it serves.
 */
import type tls from "node:tls";
import { type PyroConfig, configOptionsOf, loadConfig, ownOptionKeys } from "../config.js";
import { PYRO5 } from "../serializers/protocols.js";
import { serializerByName } from "../serializers/registry.js";
import { classConverters } from "../serializers/classes.js";
import type { DictToClass, Serializer } from "../serializers/types.js";
import type { ProxyRef } from "../serializers/values.js";
import { NETWORK, type WireSettings, wireSettings } from "../transport/settings.js";
import { checkServerTls, serverTlsFromConfig } from "../transport/tls-config.js";
import { HANDSHAKE_DECODE_LIMITS } from "../serializers/types.js";
import { type Instrument, combineInstruments } from "../instruments.js";
import type { ResponseAnnotationsHook } from "./annotations.js";
import type { DaemonOptions, DisconnectedClient, HandshakeValidator } from "./options.js";
import { printCallbackError, printOnewayError } from "./report.js";

/** The client a payload came from, as far as reviving the proxies in it needs to know. */
export interface PeerInfo {
  /** `host:port` (or "unknown" for Unix sockets), for messages. */
  readonly address: string;
  /** The peer's IP address; undefined over a Unix socket. */
  readonly host: string | undefined;
  /** The serializer the peer used on this connection (it is likely to accept it back). */
  readonly serializer: Serializer;
}

/**
 * What a proxy reference sent by a client becomes (callbacks): a live, inert proxy. The daemon
 * layer cannot make proxies itself (it does not import the proxy layer); the public `Daemon`
 * passes this in. Absent, references stay {@link ProxyRef} data.
 */
export type ProxyReviver = (ref: ProxyRef, peer: PeerInfo) => unknown;

/** Everything a daemon and its connections need. */
export interface DaemonSettings extends WireSettings {
  /** Accepted serializers by wire id (Pyro4's ids and class names). */
  readonly accepted: ReadonlyMap<number, Serializer>;
  /** The same serializers with Pyro5's class names, for Pyro5 clients (by Pyro4's ids: see `protocol/pyro5.ts`). */
  readonly acceptedPyro5: ReadonlyMap<number, Serializer>;
  readonly sendTracebacks: boolean;
  readonly iterStreaming: boolean;
  /** Most requests one connection may have in flight; 0 = no limit. */
  readonly maxInflight: number;
  /** Most calls in one batch; 0 = no limit. */
  readonly maxBatchCalls: number;
  /** Largest message a client may send before its handshake is done (the CONNECT). */
  readonly handshakeMessageLimit: number;
  /** Serve TLS with these options; undefined = plain TCP. */
  readonly tls: tls.TlsOptions | undefined;
  readonly validateHandshake: HandshakeValidator | undefined;
  readonly reviveProxy: ProxyReviver | undefined;
  /** When the daemon starts answering: at once, or from `requestLoop()` on (the `serveFrom` option). */
  readonly serveFrom: "create" | "requestLoop";
  /** The application's class dict converters (the `dictToClass` option). */
  readonly classes: ReadonlyMap<string, DictToClass> | undefined;
  /** Told when a client connection ends (the `onClientDisconnect` option). */
  readonly onClientDisconnect: ((client: DisconnectedClient) => void) | undefined;
  /** Annotations for every reply (the `responseAnnotations` option). */
  readonly responseAnnotations: ResponseAnnotationsHook | undefined;
  /** Reports an error thrown by a `@callback` method (`onCallbackError`, or stderr). */
  readonly reportCallbackError: (method: string, error: unknown) => void;
  /** Reports an error thrown by a oneway method, which no caller hears of (`onOnewayError`, or stderr). */
  readonly reportOnewayError: (method: string, error: unknown) => void;
  /** Sees every call (metrics, tracing); undefined: none (see `instruments.ts`). */
  readonly instrument: Instrument | undefined;
}

/** Keys of {@link DaemonOptions} that are the daemon's own, not configuration items. */
const DAEMON_OWN_OPTIONS = ownOptionKeys<DaemonOptions>({
  port: true,
  unixSocket: true,
  validateHandshake: true,
  sendTracebacks: true,
  env: true,
  tls: true,
  callbackHosts: true,
  responseAnnotations: true,
  serveFrom: true,
  dictToClass: true,
  onClientDisconnect: true,
  onCallbackError: true,
  onOnewayError: true,
  onLeaseEvent: true,
  instruments: true,
  [NETWORK]: true,
});

/** The configuration `options` select (defaults < environment < options). */
export function daemonConfig(options: DaemonOptions): PyroConfig {
  return loadConfig(configOptionsOf(options, DAEMON_OWN_OPTIONS), options.env ?? process.env);
}

/** Builds a daemon's settings. */
export function daemonSettings(config: PyroConfig, options: DaemonOptions, reviveProxy: ProxyReviver | undefined): DaemonSettings {
  const tls = options.tls ?? serverTlsFromConfig(config);
  checkServerTls(tls);
  const handshakeLimit = HANDSHAKE_DECODE_LIMITS.maxBytes;
  const accepted = config.serializersAccepted.map((name) => serializerByName(name));
  return Object.freeze({
    ...wireSettings(config, options[NETWORK]),
    accepted: new Map(accepted.map((s) => [s.id, s] as const)),
    acceptedPyro5: new Map(accepted.map((s) => [s.id, PYRO5.twin(s)] as const)),
    sendTracebacks: options.sendTracebacks ?? true,
    iterStreaming: config.iterStreaming,
    maxInflight: config.maxInflight,
    maxBatchCalls: config.maxBatchCalls,
    handshakeMessageLimit: config.maxMessageSize > 0 ? Math.min(config.maxMessageSize, handshakeLimit) : handshakeLimit,
    tls,
    validateHandshake: options.validateHandshake,
    reviveProxy,
    responseAnnotations: options.responseAnnotations,
    serveFrom: options.serveFrom ?? "create",
    classes: classConverters(options.dictToClass),
    onClientDisconnect: options.onClientDisconnect,
    reportCallbackError: options.onCallbackError ?? printCallbackError,
    reportOnewayError: options.onOnewayError ?? printOnewayError,
    instrument: combineInstruments(options.instruments),
  });
}
