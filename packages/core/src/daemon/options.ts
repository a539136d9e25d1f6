/**
 * What can be passed to `Daemon.create`.
 */
import type tls from "node:tls";
import type { PyroConfig } from "../config.js";
import type { Instrument } from "../instruments.js";
import type { NETWORK } from "../transport/settings.js";
import type { Network } from "../transport/socket.js";
import type { DictToClass } from "../serializers/types.js";
import type { Closable } from "./context.js";

/** What a `validateHandshake` hook learns about the connecting client. */
export interface ClientInfo {
  /** The peer address, `host:port` or `[v6]:port`, or "unknown" for Unix sockets. */
  readonly address: string;
  /** The object id the client asked for in its CONNECT message. */
  readonly objectId: string | undefined;
  /** Over TLS, the certificate the client presented (empty object when none), like Pyro's `getpeercert()`. */
  readonly certificate?: tls.PeerCertificate;
}

/** What an `onClientDisconnect` hook learns about the client that went away. */
export interface DisconnectedClient {
  /** The peer address, `host:port` or `[v6]:port`, or "unknown" for Unix sockets. */
  readonly address: string;
  /** The resources its calls tracked with `currentContext().trackResource`, about to be closed. */
  readonly trackedResources: readonly Closable[];
}

/**
 * Validates a connecting client's handshake data (a proxy's `handshake` option, default
 * `"hello"`). Return the response data to send back (Pyro's default is `"hello"`), or throw to
 * refuse the client: the error's message reaches it in a CONNECTFAIL.
 */
export type HandshakeValidator = (client: ClientInfo, data: unknown) => unknown;

/** What a daemon reports about the leases of its names (`onLeaseEvent`; docs/fleets.md has when each comes). */
export interface LeaseEvent {
  readonly type: "granted" | "keepalive-failed" | "keepalive-recovered" | "lease-lost" | "reregistered" | "revoked" | "no-leases" | "register-failed";
  /** What happened, in words. */
  readonly detail: string;
  /** The replica involved (`host:port`), when known. */
  readonly nameServer?: string;
}

/** Options of `Daemon.create`: Pyro config items (camelCase) plus the daemon's own. */
export interface DaemonOptions extends Partial<PyroConfig> {
  /** TCP port to bind; 0 (the default) picks a free port. */
  port?: number;
  /** Listen on this Unix socket path instead of TCP. */
  unixSocket?: string;
  /** Handshake validation hook; by default every client is accepted with `"hello"`. */
  validateHandshake?: HandshakeValidator;
  /**
   * Send remote tracebacks with exceptions (default true, as Pyro does). Turn off for untrusted
   * clients: they then get the exception type and message only.
   */
  sendTracebacks?: boolean;
  /**
   * Serve TLS with these `node:tls` server options (certificate, key, `ca`, `requestCert` and
   * `rejectUnauthorized` for mutual TLS). Without them, `SSL`/`SSL_SERVER*` config items apply.
   */
  tls?: tls.TlsOptions;
  /** Environment to read `PYRO_*` items from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /**
   * Where proxies that clients send (callbacks) may connect: `"client"` (the default) only to the
   * host the proxy came from — where a client's callback daemon lives —, `"any"` anywhere, or a
   * list of host names and addresses. A client can put any address in a proxy it sends; without
   * this rule, calling it back would make the daemon connect wherever the client chose.
   */
  callbackHosts?: "client" | "any" | readonly string[];
  /**
   * Annotations to send with every reply (handshake replies, results and errors), as Pyro4's
   * overridable `Daemon.annotations()`: called for each reply, returns 4-character ids mapped to
   * bytes (or text, sent as UTF-8). A method's own ones go in `currentContext().responseAnnotations`.
   */
  responseAnnotations?: () => Readonly<Record<string, Uint8Array | string>>;
  /**
   * When the daemon starts answering. `"create"` (the default): as soon as `Daemon.create`
   * resolves, so objects are served while the program goes on; `requestLoop()` only waits for the
   * shutdown. `"requestLoop"`: as Pyro4, only once `requestLoop()` is called; clients that connect
   * earlier are accepted but get no answer until then (a daemon whose loop never runs looks frozen,
   * and their calls time out).
   */
  serveFrom?: "create" | "requestLoop";
  /**
   * Converters for the application's own classes in requests, by `__class__` name (Pyro4's
   * `register_dict_to_class`): `{ "workitem.Workitem": (data) => Workitem.fromDict(data) }`.
   * Without one, such a class dict is refused with a SerializeError. Callback proxies the daemon
   * receives use them for their replies too.
   */
  dictToClass?: Readonly<Record<string, DictToClass>>;
  /**
   * Called when a client connection that completed its handshake ends (Pyro4's overridable
   * `Daemon.clientDisconnect`), before the resources its calls tracked are closed. An error it
   * throws is reported on stderr.
   */
  onClientDisconnect?: (client: DisconnectedClient) => void;
  /**
   * Called when a `@callback` method fails (besides the error going back to the caller, as for
   * any method). The default prints `pyrots: error in callback NAME:` and the error's stack to
   * stderr, as Pyro does; pass your own to log it your way or to expect it quietly.
   */
  onCallbackError?: (method: string, error: unknown) => void;
  /**
   * Called when a oneway method fails (it throws, or its promise rejects): no caller waits for
   * it, so the default prints `pyrots: error in oneway method NAME:` and the error's stack to
   * stderr, as Pyro4's oneway call threads do; pass your own to log it your way or to expect it
   * quietly. Errors before the method runs (an unknown object or method) are not reported.
   */
  onOnewayError?: (method: string, error: unknown) => void;
  /**
   * Hears what happens to the leases of the names the daemon registered with `registerName`
   * (granted, keepalive failures and recoveries, a lost lease registered again, revoked at
   * shutdown): one listener for all of them, as a daemon holds one lease per name service. Without
   * it, trouble is written to stderr.
   */
  onLeaseEvent?: (event: LeaseEvent) => void;
  /**
   * Metrics and tracing: instruments that see every call this daemon serves, and every call its
   * callback proxies make (`@pyrots/observability` has a Prometheus and an OpenTelemetry one).
   */
  instruments?: Instrument | readonly Instrument[];
  /** @internal The unit tests' in-memory network instead of sockets (not for applications). */
  [NETWORK]?: Network;
}
