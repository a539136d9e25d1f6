/**
 * Options of `new Proxy(uri, options)` and of single calls.
 */
import type tls from "node:tls";
import type { PyroConfig } from "../config.js";
import type { Instrument } from "../instruments.js";
import type { NETWORK } from "../transport/settings.js";
import type { Network } from "../transport/socket.js";
import type { DictToClass } from "../serializers/types.js";

/** What a proxy's `validateHandshake` learns about the daemon it connected to. */
export interface HandshakeInfo {
  /** The annotations of the daemon's handshake reply (`CORR`, the daemon's own ones, `HMAC`...). */
  readonly annotations: ReadonlyMap<string, Uint8Array>;
  /** Over TLS, the certificate the daemon presented, like Pyro's `getpeercert()`. */
  readonly certificate?: tls.PeerCertificate;
}

/** Options for a proxy: Pyro config items (camelCase) plus the proxy's own. */
export interface ProxyOptions extends Partial<PyroConfig> {
  /** Seconds to wait for connects and replies; 0 or absent = wait forever (Pyro's `COMMTIMEOUT`). */
  timeout?: number;
  /** Data sent in the handshake; a daemon's `validateHandshake` sees it. Default `"hello"`. */
  handshake?: unknown;
  /**
   * Checks every new connection once the daemon has accepted it (Pyro4's overridable
   * `Proxy._pyroValidateHandshake`): gets the daemon's handshake response data (e.g. `"hello"`)
   * and what else is known about the daemon (its certificate over TLS). Throw (or reject) to refuse
   * the daemon: the connection is closed and the call fails with that error.
   */
  validateHandshake?: (response: unknown, daemon: HandshakeInfo) => void | Promise<void>;
  /**
   * Connections to open at most for concurrent calls to a daemon that answers one request at a
   * time (Python Pyro4). Each connection is a separate session there. Default 1. pyrots daemons
   * take concurrent calls on one connection, so this does not apply to them.
   */
  poolSize?: number;
  /**
   * Connect over TLS with these `node:tls` options (`ca` to trust, `cert`/`key` for mutual TLS).
   * Without them, the `SSL`/`SSL_CLIENT*`/`SSL_CACERTS` config items apply.
   */
  tls?: tls.ConnectionOptions;
  /** Environment to read `PYRO_*` items from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /**
   * Converters for the application's own classes in replies, by `__class__` name (Pyro4's
   * `register_dict_to_class`): `{ "workitem.Workitem": (data) => Workitem.fromDict(data) }`.
   * Without one, such a class dict is refused with a SerializeError. (Sending: give the class a
   * `toJSON()` that returns the dict, `__class__` included.)
   */
  dictToClass?: Readonly<Record<string, DictToClass>>;
  /**
   * Tracing: instruments that see every call this proxy (and every proxy arriving in its replies)
   * makes; `@pyrots/observability` has an OpenTelemetry one.
   */
  instruments?: Instrument | readonly Instrument[];
  /** @internal The unit tests' in-memory network instead of sockets (not for applications). */
  [NETWORK]?: Network;
}

/** Options for individual calls, set with `withOptions(proxy, ...)`. */
export interface CallOptions {
  /** Seconds to wait for the reply; overrides the proxy's timeout. */
  timeout?: number;
  /** Aborts waiting for the reply (the call may still run remotely). */
  signal?: AbortSignal;
  /** Annotations to send with each call: 4-character ids to bytes (or text, sent as UTF-8). */
  annotations?: Record<string, Uint8Array | string>;
  /** Correlation id for each call (Pyro's `CORR` annotation): a UUID string or 16 bytes. */
  correlationId?: string | Uint8Array;
  /**
   * Receives the annotations of each reply (those the daemon set in `responseAnnotations`), and,
   * when the call returns a remote iterator, those of each item's reply (Pyro4's
   * `current_context.response_annotations` while iterating).
   */
  onAnnotations?: (annotations: ReadonlyMap<string, Uint8Array>) => void;
}
