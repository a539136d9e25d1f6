/**
 * Configuration: one typed, frozen object with Pyro's item names.
 *
 * Every item has a Pyro name (`NS_PORT`), an environment variable (`PYRO_NS_PORT`) and a camelCase
 * option key (`nsPort`). Values come from, in increasing precedence: the defaults in
 * {@link configTable}, the environment, and the options passed in code. Nothing here reads global
 * state at call time except the `env` argument's default, `process.env`.
 */
import {
  ConfigError,
  type ConfigWarn,
  UNSUPPORTED_PYRO4_ITEMS,
  configErrorForUnknown,
  parseEnvValue,
  validateOptionValue,
  warnOnceToStderr,
} from "./config-parse.js";

export { ConfigError, type ConfigWarn } from "./config-parse.js";

/** The serializers pyrots implements, by their config names. */
export type ConfigSerializerName = "msgpack" | "json" | "serpent";

/** The effective configuration. Keys are Pyro's item names in camelCase. */
export interface PyroConfig {
  /** `HOST`: host name or address a daemon binds to. */
  readonly host: string;
  /** `NS_HOST`: where clients look for the name server. */
  readonly nsHost: string;
  /** `NS_PORT`: TCP port of the name server. */
  readonly nsPort: number;
  /** `NS_BCPORT`: UDP port of the name server's broadcast responder. */
  readonly nsBcPort: number;
  /** `NS_DISCOVERY`: how `locateNS` looks for a name server beyond `NS_HOST`: `broadcast`, `mdns`. */
  readonly nsDiscovery: readonly string[];
  /** `NS_BCHOST`: host the broadcast responder binds to; null = the name server's host. */
  readonly nsBcHost: string | null;
  /** `NS_AUTOCLEAN`: seconds between name server clean-ups of dead registrations; 0 = off. */
  readonly nsAutoClean: number;
  /** `NATHOST`: external host name put in URIs a daemon hands out; null = none. */
  readonly natHost: string | null;
  /** `NATPORT`: external port put in URIs; 0 = the daemon's own port. */
  readonly natPort: number;
  /** `COMPRESSION`: zlib-compress larger payloads. */
  readonly compression: boolean;
  /** `COMMTIMEOUT`: network timeout in seconds; 0 = none. */
  readonly commTimeout: number;
  /** `POLLTIMEOUT`: seconds between daemon housekeeping runs. */
  readonly pollTimeout: number;
  /** `SOCK_REUSE`: set SO_REUSEADDR on listening sockets. */
  readonly sockReuse: boolean;
  /** `SOCK_NODELAY`: set TCP_NODELAY on sockets. */
  readonly sockNoDelay: boolean;
  /** `DETAILED_TRACEBACK`: add more detail to remote tracebacks. */
  readonly detailedTraceback: boolean;
  /** `AUTOPROXY`: replace registered objects in results by proxies for them. */
  readonly autoProxy: boolean;
  /** `MAX_MESSAGE_SIZE`: largest accepted message in bytes (data plus annotations); 0 = no limit. */
  readonly maxMessageSize: number;
  /** `BROADCAST_ADDRS`: addresses `locateNS` broadcasts its lookup to. */
  readonly broadcastAddrs: readonly string[];
  /** `PREFER_IP_VERSION`: 4, 6, or 0 to let the OS choose. */
  readonly preferIpVersion: 0 | 4 | 6;
  /** `SERIALIZER`: serializer a proxy uses. */
  readonly serializer: ConfigSerializerName;
  /** `SERIALIZERS_ACCEPTED`: serializers a daemon accepts. */
  readonly serializersAccepted: readonly ConfigSerializerName[];
  /** `METADATA`: proxies fetch the object's exposed members when connecting. */
  readonly metadata: boolean;
  /** `CALLER_STACKS`: errors of remote calls show the line of the caller's code that made the call. */
  readonly callerStacks: boolean;
  /**
   * `PROTOCOL`: the wire protocol proxies speak: `pyro4` (48), `pyro5` (502), or `auto`: Pyro4's
   * first, and Pyro5's when the daemon answers in it (a Pyro5 daemon refuses protocol 48).
   */
  readonly protocol: "auto" | "pyro4" | "pyro5";
  /** `MAX_RETRIES`: times a proxy retries a call after a closed connection or timeout. */
  readonly maxRetries: number;
  /** `ITER_STREAMING`: stream iterators and generators returned by remote methods. */
  readonly iterStreaming: boolean;
  /** `ITER_STREAM_LIFETIME`: seconds a remote iterator may live; 0 = no limit. */
  readonly iterStreamLifetime: number;
  /** `ITER_STREAM_LINGER`: seconds a remote iterator survives its client's disconnect. */
  readonly iterStreamLinger: number;
  /** `SSL`: use TLS. */
  readonly ssl: boolean;
  /** `SSL_SERVERCERT`: daemon certificate file (PEM). */
  readonly sslServerCert: string;
  /** `SSL_SERVERKEY`: daemon private key file (PEM). */
  readonly sslServerKey: string;
  /** `SSL_SERVERKEYPASSWD`: passphrase of the daemon's key. */
  readonly sslServerKeyPasswd: string;
  /** `SSL_REQUIRECLIENTCERT`: daemon requires client certificates (2-way TLS). */
  readonly sslRequireClientCert: boolean;
  /** `SSL_CLIENTCERT`: client certificate file (PEM). */
  readonly sslClientCert: string;
  /** `SSL_CLIENTKEY`: client private key file (PEM). */
  readonly sslClientKey: string;
  /** `SSL_CLIENTKEYPASSWD`: passphrase of the client's key. */
  readonly sslClientKeyPasswd: string;
  /** `SSL_CACERTS`: CA certificates file (PEM) to verify the peer with. */
  readonly sslCaCerts: string;
  /** `HMAC_KEY`: shared key for Pyro4 HMAC message signing; null = off. */
  readonly hmacKey: string | null;
  /** `LOGWIRE`: log every message sent and received. */
  readonly logWire: boolean;
  /** `MAX_CONNECTIONS`: concurrent client connections a daemon accepts (the longest-idle makes room at the limit); 0 = no limit. */
  readonly maxConnections: number;
  /** `MAX_INFLIGHT`: requests a daemon runs at once per connection; 0 = no limit. */
  readonly maxInflight: number;
  /** `HANDSHAKE_TIMEOUT`: seconds a new connection has to complete its handshake; 0 = none. */
  readonly handshakeTimeout: number;
  /** `IDLE_TIMEOUT`: seconds after which a daemon closes an idle connection; 0 = never. */
  readonly idleTimeout: number;
  /** `MAX_CONNECTIONS_PER_HOST`: connections a daemon accepts from one client address; 0 = only `MAX_CONNECTIONS` applies. */
  readonly maxConnectionsPerHost: number;
  /** `MESSAGE_TIMEOUT`: seconds a peer may take to send one message once it started; 0 = no limit. */
  readonly messageTimeout: number;
  /** `MAX_BATCH_CALLS`: calls one batch may hold; 0 = no limit. */
  readonly maxBatchCalls: number;
  /** `MAX_ITER_STREAMS`: remote iterators one connection may have open at once; 0 = no limit. */
  readonly maxIterStreams: number;
}

/** How an item's environment value is parsed and its option value checked. */
export type ConfigValueType = "string" | "int" | "float" | "bool" | "list" | "optionalString";

/** Maps a value type to the type tags that may describe it. */
type TypeTagOf<T> = [T] extends [boolean]
  ? "bool"
  : [T] extends [number]
    ? "int" | "float"
    : [T] extends [string]
      ? "string"
      : [T] extends [string | null]
        ? "optionalString"
        : [T] extends [readonly string[]]
          ? "list"
          : never;

/** One configuration item as listed in {@link configTable}. */
export interface ConfigItem<K extends keyof PyroConfig = keyof PyroConfig> {
  /** Pyro's item name, e.g. `NS_PORT`. */
  readonly name: string;
  /** The environment variable, `PYRO_` + name. */
  readonly envName: string;
  /** The camelCase key in {@link PyroConfig} and in options objects. */
  readonly key: K;
  /** How the value is parsed from the environment and checked in options. */
  readonly type: TypeTagOf<PyroConfig[K]>;
  /** The default value. */
  readonly default: PyroConfig[K];
  /** One line for users. */
  readonly description: string;
  /** Allowed values (for lists: allowed elements), when restricted. */
  readonly choices?: readonly (string | number)[];
  /** Values Pyro accepts that pyrots does not speak: ignored with a warning when they come from the environment. */
  readonly pyroOnlyChoices?: readonly string[];
  /** Smallest allowed number. */
  readonly min?: number;
}

type ItemSpec<K extends keyof PyroConfig> = Omit<ConfigItem<K>, "key" | "envName">;

const SERIALIZER_NAMES: readonly ConfigSerializerName[] = ["msgpack", "json", "serpent"];
/** Serializers of Pyro that pyrots does not speak (pickle and friends run code from the payload). */
const PYRO_ONLY_SERIALIZERS: readonly string[] = ["marshal", "pickle", "dill", "cloudpickle"];

// Keyed by option key so the compiler checks that every key has exactly one item of the right type.
const specs: { readonly [K in keyof PyroConfig]: ItemSpec<K> } = {
  host: { name: "HOST", type: "string", default: "localhost", description: "Host name or address a daemon binds to." },
  nsHost: {
    name: "NS_HOST",
    type: "string",
    default: "localhost",
    description: "Where clients look for the name server first: a host, or a comma-separated list of host[:port] replicas tried in order.",
  },
  nsPort: { name: "NS_PORT", type: "int", default: 9090, min: 0, description: "TCP port of the name server." },
  nsBcPort: { name: "NS_BCPORT", type: "int", default: 9091, min: 0, description: "UDP port of the name server's broadcast responder." },
  nsDiscovery: {
    name: "NS_DISCOVERY",
    type: "list",
    default: ["broadcast", "mdns"],
    choices: ["broadcast", "mdns"],
    description: "How clients look for a name server when NS_HOST has none: broadcast, mdns; empty = neither (no network traffic).",
  },
  nsBcHost: { name: "NS_BCHOST", type: "optionalString", default: null, description: "Host the broadcast responder binds to (unset: the name server's host)." },
  nsAutoClean: { name: "NS_AUTOCLEAN", type: "float", default: 0, min: 0, description: "Seconds between removals of dead name registrations; 0 = off." },
  natHost: { name: "NATHOST", type: "optionalString", default: null, description: "External host name put in URIs a daemon hands out (unset: none)." },
  natPort: { name: "NATPORT", type: "int", default: 0, min: 0, description: "External port put in URIs; 0 = the daemon's own port." },
  compression: { name: "COMPRESSION", type: "bool", default: false, description: "Compress larger payloads with zlib." },
  commTimeout: { name: "COMMTIMEOUT", type: "float", default: 0, min: 0, description: "Network timeout in seconds; 0 = none." },
  pollTimeout: { name: "POLLTIMEOUT", type: "float", default: 2, min: 0, description: "Seconds between daemon housekeeping runs." },
  sockReuse: { name: "SOCK_REUSE", type: "bool", default: true, description: "Set SO_REUSEADDR on listening sockets." },
  sockNoDelay: { name: "SOCK_NODELAY", type: "bool", default: false, description: "Set TCP_NODELAY on sockets." },
  detailedTraceback: { name: "DETAILED_TRACEBACK", type: "bool", default: false, description: "Add more detail to remote tracebacks." },
  autoProxy: { name: "AUTOPROXY", type: "bool", default: true, description: "Return registered objects as proxies instead of by value." },
  maxMessageSize: {
    name: "MAX_MESSAGE_SIZE",
    type: "int",
    default: 1073741824,
    min: 0,
    description: "Largest accepted message in bytes (data plus annotations); 0 = no limit.",
  },
  broadcastAddrs: { name: "BROADCAST_ADDRS", type: "list", default: ["<broadcast>", "0.0.0.0"], description: "Addresses locateNS broadcasts its lookup to." },
  preferIpVersion: {
    name: "PREFER_IP_VERSION",
    type: "int",
    default: 4,
    choices: [0, 4, 6],
    description: "IP version to prefer: 4, 6, or 0 to let the OS choose.",
  },
  serializer: {
    name: "SERIALIZER",
    type: "string",
    default: "msgpack",
    choices: SERIALIZER_NAMES,
    pyroOnlyChoices: PYRO_ONLY_SERIALIZERS,
    description: "Serializer a proxy uses.",
  },
  serializersAccepted: {
    name: "SERIALIZERS_ACCEPTED",
    type: "list",
    default: ["msgpack", "json", "serpent"],
    choices: SERIALIZER_NAMES,
    pyroOnlyChoices: PYRO_ONLY_SERIALIZERS,
    description: "Serializers a daemon accepts.",
  },
  metadata: { name: "METADATA", type: "bool", default: true, description: "Proxies fetch the object's exposed members when connecting." },
  callerStacks: {
    name: "CALLER_STACKS",
    type: "bool",
    default: true,
    description: "Errors of remote calls show the line of your code that made the call (costs about 0.2 µs per call; pyrots).",
  },
  protocol: {
    name: "PROTOCOL",
    type: "string",
    default: "auto",
    choices: ["auto", "pyro4", "pyro5"],
    description: "Wire protocol proxies speak: pyro4 (48), pyro5 (502), or auto (Pyro4's, then Pyro5's when the daemon answers in it). Daemons speak both.",
  },
  maxRetries: { name: "MAX_RETRIES", type: "int", default: 0, min: 0, description: "Times a proxy retries a call after a closed connection or a timeout." },
  iterStreaming: { name: "ITER_STREAMING", type: "bool", default: true, description: "Stream iterators and generators returned by remote methods." },
  iterStreamLifetime: { name: "ITER_STREAM_LIFETIME", type: "float", default: 0, min: 0, description: "Seconds a remote iterator may live; 0 = no limit." },
  iterStreamLinger: {
    name: "ITER_STREAM_LINGER",
    type: "float",
    default: 30,
    min: 0,
    description: "Seconds a remote iterator survives its client's disconnect.",
  },
  ssl: { name: "SSL", type: "bool", default: false, description: "Use TLS." },
  sslServerCert: { name: "SSL_SERVERCERT", type: "string", default: "", description: "Daemon certificate file (PEM)." },
  sslServerKey: { name: "SSL_SERVERKEY", type: "string", default: "", description: "Daemon private key file (PEM)." },
  sslServerKeyPasswd: { name: "SSL_SERVERKEYPASSWD", type: "string", default: "", description: "Passphrase of the daemon's private key." },
  sslRequireClientCert: { name: "SSL_REQUIRECLIENTCERT", type: "bool", default: false, description: "Daemon requires client certificates (2-way TLS)." },
  sslClientCert: { name: "SSL_CLIENTCERT", type: "string", default: "", description: "Client certificate file (PEM)." },
  sslClientKey: { name: "SSL_CLIENTKEY", type: "string", default: "", description: "Client private key file (PEM)." },
  sslClientKeyPasswd: { name: "SSL_CLIENTKEYPASSWD", type: "string", default: "", description: "Passphrase of the client's private key." },
  sslCaCerts: { name: "SSL_CACERTS", type: "string", default: "", description: "CA certificates file (PEM) used to verify the peer." },
  hmacKey: { name: "HMAC_KEY", type: "optionalString", default: null, description: "Shared key for Pyro4 HMAC message signing (unset: off)." },
  logWire: { name: "LOGWIRE", type: "bool", default: false, description: "Log every message sent and received." },
  maxConnections: {
    name: "MAX_CONNECTIONS",
    type: "int",
    default: 1024,
    min: 0,
    description: "Concurrent client connections a daemon accepts, counted from the TCP accept; at the limit the longest-idle one makes room; 0 = no limit.",
  },
  maxInflight: { name: "MAX_INFLIGHT", type: "int", default: 128, min: 0, description: "Requests a daemon runs at once per connection; 0 = no limit." },
  handshakeTimeout: {
    name: "HANDSHAKE_TIMEOUT",
    type: "float",
    default: 10,
    min: 0,
    description: "Seconds a new connection has, from its TCP accept (TLS included), to complete its handshake; 0 = none.",
  },
  idleTimeout: { name: "IDLE_TIMEOUT", type: "float", default: 0, min: 0, description: "Seconds after which a daemon closes an idle connection; 0 = never." },
  maxConnectionsPerHost: {
    name: "MAX_CONNECTIONS_PER_HOST",
    type: "int",
    default: 0,
    min: 0,
    description: "Connections a daemon accepts from one client address (IPv6: one /64); 0 = only MAX_CONNECTIONS applies.",
  },
  messageTimeout: {
    name: "MESSAGE_TIMEOUT",
    type: "float",
    default: 60,
    min: 0,
    description: "Seconds a peer may take to send one message once its first byte arrived; 0 = no limit.",
  },
  maxBatchCalls: { name: "MAX_BATCH_CALLS", type: "int", default: 10000, min: 0, description: "Calls one batch may hold; 0 = no limit." },
  maxIterStreams: {
    name: "MAX_ITER_STREAMS",
    type: "int",
    default: 100,
    min: 0,
    description: "Remote iterators one connection may have open at once; 0 = no limit.",
  },
};

/** Every configuration item, in documentation order. */
export const configTable: readonly ConfigItem[] = Object.freeze(
  (Object.keys(specs) as (keyof PyroConfig)[]).map((key) => Object.freeze({ ...specs[key], key, envName: `PYRO_${specs[key].name}` } as ConfigItem)),
);

const itemsByEnvName: ReadonlyMap<string, ConfigItem> = new Map(configTable.map((item) => [item.envName, item]));
const itemsByKey: ReadonlyMap<string, ConfigItem> = new Map(configTable.map((item) => [item.key, item]));

/**
 * `PYRO_*` variables that are not items but are read by Pyro's tools (logging, the HTTP gateway),
 * so they may be set in an environment pyrots shares with Python programs.
 */
export const toleratedEnvNames: ReadonlySet<string> = new Set(["PYRO_LOGLEVEL", "PYRO_LOGFILE", "PYRO_HTTPGATEWAY_KEY"]);

/** Where an effective value came from. */
export type ConfigSource = "default" | "environment" | "option";

/** One line of {@link explainConfig}. */
export interface ConfigRow {
  /** Pyro's item name, e.g. `NS_PORT`. */
  readonly name: string;
  /** The environment variable, e.g. `PYRO_NS_PORT`. */
  readonly envName: string;
  /** The option key, e.g. `nsPort`. */
  readonly key: keyof PyroConfig;
  /** The effective value. */
  readonly value: PyroConfig[keyof PyroConfig];
  /** Which layer supplied the value. */
  readonly source: ConfigSource;
}

/** Environment shape accepted by the loaders (`process.env` fits). */
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

/** Every item at its default, ignoring the environment. */
export const defaultConfig: PyroConfig = freezeConfig(Object.fromEntries(configTable.map((item) => [item.key, item.default])) as unknown as PyroConfig);

/**
 * Each item's effective value and where it came from: defaults < environment (`PYRO_` + name) <
 * `options`. Throws {@link ConfigError} for an unknown `PYRO_*` variable, an unparsable
 * environment value, or an unknown or ill-typed option; `undefined` options count as not given.
 */
export function explainConfig(options: Partial<PyroConfig> = {}, env: ConfigEnv = process.env, warn: ConfigWarn = warnOnceToStderr): ConfigRow[] {
  const fromEnv = readEnvironment(env, warn);
  const fromOptions = checkOptions(options);
  return configTable.map((item) => {
    if (fromOptions.has(item.key)) return row(item, fromOptions.get(item.key), "option");
    if (fromEnv.has(item.key)) return row(item, fromEnv.get(item.key), "environment");
    return row(item, item.default, "default");
  });
}

/**
 * The effective configuration, frozen: defaults < environment (`PYRO_` + name) < `options`.
 * Pure given its arguments; throws {@link ConfigError} as {@link explainConfig} does.
 */
export function loadConfig(options?: Partial<PyroConfig>, env: ConfigEnv = process.env, warn: ConfigWarn = warnOnceToStderr): PyroConfig {
  return rowsToConfig(explainConfig(options, env, warn));
}

/**
 * `base` with `options` laid over it, validated like {@link loadConfig}'s options: for constructor
 * and per-call options on top of a configuration loaded once.
 */
export function mergeConfig(base: PyroConfig, options?: Partial<PyroConfig>): PyroConfig {
  const fromOptions = checkOptions(options ?? {});
  if (fromOptions.size === 0 && Object.isFrozen(base)) return base;
  return freezeConfig({ ...base, ...Object.fromEntries(fromOptions) } as PyroConfig);
}

function readEnvironment(env: ConfigEnv, warn: ConfigWarn): Map<keyof PyroConfig, unknown> {
  const values = new Map<keyof PyroConfig, unknown>();
  for (const [envName, raw] of Object.entries(env)) {
    if (!envName.startsWith("PYRO_") || raw === undefined) continue;
    const item = itemsByEnvName.get(envName);
    if (item === undefined) {
      if (toleratedEnvNames.has(envName)) continue;
      if (UNSUPPORTED_PYRO4_ITEMS.has(envName.slice(5))) {
        warn(`${envName} is a Pyro4 setting that pyrots does not use; ignored`);
        continue;
      }
      throw configErrorForUnknown(envName, [...itemsByEnvName.keys()], "environment variable");
    }
    values.set(item.key, parseEnvValue(item, raw, warn));
  }
  return values;
}

function checkOptions(options: Partial<PyroConfig>): Map<keyof PyroConfig, unknown> {
  const values = new Map<keyof PyroConfig, unknown>();
  if (options === null || typeof options !== "object") throw new ConfigError("config options must be an object");
  for (const [key, value] of Object.entries(options)) {
    const item = itemsByKey.get(key);
    if (item === undefined) throw configErrorForUnknown(key, [...itemsByKey.keys()], "option");
    if (value === undefined) continue;
    values.set(item.key, validateOptionValue(item, value));
  }
  return values;
}

function row(item: ConfigItem, value: unknown, source: ConfigSource): ConfigRow {
  if (Array.isArray(value)) Object.freeze(value);
  return { name: item.name, envName: item.envName, key: item.key, value: value as ConfigRow["value"], source };
}

function rowsToConfig(rows: readonly ConfigRow[]): PyroConfig {
  return freezeConfig(Object.fromEntries(rows.map((r) => [r.key, r.value])) as unknown as PyroConfig);
}

function freezeConfig(config: PyroConfig): PyroConfig {
  for (const value of Object.values(config)) if (Array.isArray(value)) Object.freeze(value);
  return Object.freeze(config);
}
