/**
 * A proxy's settings: built once from its options and the configuration, then shared, unchanged,
 * by the proxy, its connections and every proxy that arrives in its replies (those inherit the
 * settings of the proxy that received them: serializer, timeouts, TLS, HMAC, handshake).
 */
import type tls from "node:tls";
import { type PyroConfig, configOptionsOf, defaultConfig, loadConfig, ownOptionKeys } from "../config.js";
import { PYRO4, PYRO5, type PyroProtocol } from "../serializers/protocols.js";
import { serializerByName } from "../serializers/registry.js";
import { classConverters } from "../serializers/classes.js";
import type { DictToClass, Serializer } from "../serializers/types.js";
import type { ProxyRef } from "../serializers/values.js";
import { NETWORK, type WireSettings, wireSettings } from "../transport/settings.js";
import type { ListenAddress, Network } from "../transport/socket.js";
import { clientTlsFromConfig } from "../transport/tls-config.js";
import type { URI } from "../uri.js";
import type { HandshakeInfo, ProxyOptions } from "./options.js";
import { type Instrument, combineInstruments } from "../instruments.js";

/** Turns a `PYRONAME:`/`PYROMETA:` URI into a `PYRO:` one, connecting to name servers with `settings`. */
export type NameResolver = (uri: URI, settings: ProxySettings) => Promise<URI>;

/**
 * Decides whether a proxy may connect to `address`: gives the address to connect to (a host name
 * resolved to the address that was checked, so a second DNS answer cannot differ), or rejects
 * with SecurityError. Proxies a daemon received from a client get one that admits only that
 * client's host.
 */
export type ConnectRule = (address: ListenAddress, uri: URI) => Promise<ListenAddress>;

/** Everything a proxy needs besides its URI. */
export interface ProxySettings extends WireSettings {
  /** The serializer calls are sent with. */
  readonly serializer: Serializer;
  /**
   * Whether the serializer was chosen (by option or `PYRO_SERIALIZER`). When it was not, a proxy
   * that a daemon refuses for its serializer (a Python daemon at its defaults refuses msgpack)
   * tries the others pyrots speaks, and keeps the first one accepted.
   */
  readonly serializerChosen: boolean;
  /** Seconds to wait for connects and replies; 0 = forever. */
  readonly timeout: number;
  /** Data sent in the handshake. */
  readonly handshake: unknown;
  /** Checks each new connection's handshake reply (the `validateHandshake` option). */
  readonly validateHandshake: ((response: unknown, daemon: HandshakeInfo) => void | Promise<void>) | undefined;
  /** Connections opened at most toward a daemon that takes one request at a time. */
  readonly poolSize: number;
  /** Connect over TLS with these options. */
  readonly tls: tls.ConnectionOptions | undefined;
  /** How names are resolved; absent, `PYRONAME:` and `PYROMETA:` URIs cannot be used. */
  readonly resolveName: NameResolver | undefined;
  /** Checked before every connect; absent, any address is allowed. */
  readonly connectRule: ConnectRule | undefined;
  /**
   * Background work (a pool's membership watch, a daemon's lease keepalives): its connections never
   * keep the process alive, even with a call waiting. Off for proxies the application makes.
   */
  readonly background: boolean;
  /** The application's class dict converters (the `dictToClass` option). */
  readonly classes: ReadonlyMap<string, DictToClass> | undefined;
  /** Add the caller's own frames to the errors of calls (`CALLER_STACKS`). */
  readonly callerStacks: boolean;
  /**
   * The protocol to speak (`PROTOCOL`, or a proxy that arrived in a Pyro5 payload); undefined:
   * Pyro4's first, and Pyro5's when the daemon answers in it.
   */
  readonly protocol: PyroProtocol | undefined;
  /** Sees every call (tracing); undefined: none (see `instruments.ts`). */
  readonly instrument: Instrument | undefined;
}

/** Keys of {@link ProxyOptions} that are the proxy's own, not configuration items. */
const PROXY_OWN_OPTIONS = ownOptionKeys<ProxyOptions>({
  timeout: true,
  handshake: true,
  poolSize: true,
  env: true,
  tls: true,
  dictToClass: true,
  validateHandshake: true,
  instruments: true,
  [NETWORK]: true,
});

/** Builds the settings for a proxy made by the application with `options`. */
export function proxySettings(options: ProxyOptions, resolveName: NameResolver | undefined): ProxySettings {
  const env = options.env ?? process.env;
  const config = loadConfig(configOptionsOf(options, PROXY_OWN_OPTIONS), env);
  return settingsFromConfig(config, {
    serializerChosen: options.serializer !== undefined || env.PYRO_SERIALIZER !== undefined,
    timeout: options.timeout,
    handshake: options.handshake,
    validateHandshake: options.validateHandshake,
    poolSize: options.poolSize,
    tls: options.tls,
    resolveName,
    network: options[NETWORK],
    classes: classConverters(options.dictToClass),
    instrument: combineInstruments(options.instruments),
  });
}

/** What {@link settingsFromConfig} takes besides the configuration; absent fields follow the configuration. */
export interface ProxyExtras {
  timeout?: number;
  handshake?: unknown;
  validateHandshake?: (response: unknown, daemon: HandshakeInfo) => void | Promise<void>;
  poolSize?: number;
  tls?: tls.ConnectionOptions;
  serializer?: Serializer;
  serializerChosen?: boolean;
  resolveName?: NameResolver;
  connectRule?: ConnectRule;
  /** Sockets unless given (the unit tests' in-memory network). */
  network?: Network;
  /** See {@link ProxySettings.background}. */
  background?: boolean;
  /** See {@link ProxySettings.classes}. */
  classes?: ReadonlyMap<string, DictToClass>;
  protocol?: PyroProtocol;
  instrument?: Instrument;
}

/** Builds proxy settings from a configuration already loaded (daemons' callback proxies, name server lookups). */
export function settingsFromConfig(config: PyroConfig, extras: ProxyExtras = {}): ProxySettings {
  return Object.freeze({
    ...wireSettings(config, extras.network),
    serializer: extras.serializer ?? serializerByName(config.serializer),
    // Without word of who chose it, a serializer other than the default counts as chosen.
    serializerChosen: extras.serializerChosen ?? (extras.serializer !== undefined || config.serializer !== defaultConfig.serializer),
    timeout: extras.timeout ?? config.commTimeout,
    handshake: extras.handshake === undefined ? "hello" : extras.handshake,
    validateHandshake: extras.validateHandshake,
    poolSize: Math.max(1, extras.poolSize ?? 1),
    tls: extras.tls ?? clientTlsFromConfig(config),
    resolveName: extras.resolveName,
    connectRule: extras.connectRule,
    background: extras.background ?? false,
    classes: extras.classes,
    callerStacks: config.callerStacks,
    protocol: extras.protocol ?? protocolNamed(config.protocol),
    instrument: extras.instrument,
  });
}

/** The protocol a `PROTOCOL` config value asks for; undefined for `auto`. */
function protocolNamed(name: PyroConfig["protocol"]): PyroProtocol | undefined {
  return name === "pyro4" ? PYRO4 : name === "pyro5" ? PYRO5 : undefined;
}

/**
 * The settings of a proxy that arrived by value (`ref`) at an endpoint whose proxies use
 * `settings`: the receiver's, except that a proxy carrying Pyro4's HMAC key keeps it, and one
 * that arrived as a Pyro5 proxy speaks Pyro5.
 */
export function settingsForRef(settings: ProxySettings, ref: ProxyRef): ProxySettings {
  if (ref.protocol === 502) {
    return settings.protocol === PYRO5 ? settings : Object.freeze({ ...settings, protocol: PYRO5 });
  }
  if (!ref.hmacKey || (settings.hmacKey && settings.hmacKey.equals(ref.hmacKey))) return settings;
  return Object.freeze({ ...settings, hmacKey: ref.hmacKey, signing: Object.freeze({ key: ref.hmacKey, sealed: false }) });
}
