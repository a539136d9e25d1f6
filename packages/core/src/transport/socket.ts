/**
 * The only file that knows about sockets: listening and connecting over TCP, Unix sockets and
 * TLS. Everything else sees a `Duplex` wrapped in a `Connection`.
 */
import net from "node:net";
import type { Duplex } from "node:stream";
import type tls from "node:tls";
import { CommunicationError, SecurityError, TimeoutError } from "../errors.js";

/** Where a daemon listens. */
export type ListenAddress = { host: string; port: number } | { path: string };

/** A listening server and the address it is actually bound to. */
export interface Listener {
  /** Closing it stops new connections; the callback runs once existing ones have closed too. */
  readonly server: Pick<net.Server, "close">;
  /** For TCP the real port (useful with port 0); for Unix sockets the path. */
  readonly address: ListenAddress;
}

/** Receives a listening server's connections. */
export interface Acceptor {
  /**
   * A socket was accepted (Nagle already off): for TLS, at the TCP accept, before the TLS
   * handshake. Destroying it here refuses the client.
   */
  accepted(socket: net.Socket): void;
  /**
   * The stream to speak Pyro over is ready: `raw` itself, or for TLS the TLS socket over `raw`
   * once the TLS handshake succeeded (`raw` undefined if node:tls no longer tells which it is).
   */
  ready(stream: net.Socket, raw: net.Socket | undefined): void;
  /** A client failed the TLS handshake (plain TCP, untrusted or missing certificate); it is dropped. */
  tlsFailed(error: Error, raw: net.Socket | undefined): void;
}

/**
 * Binds a server whose connections go to `acceptor`. With `tlsOptions` the server speaks TLS: the
 * acceptor hears of each socket at its TCP accept, and again once its TLS handshake succeeded.
 */
export async function listen(address: ListenAddress, acceptor: Acceptor, tlsOptions?: tls.TlsOptions): Promise<Listener> {
  let server: net.Server;
  if (tlsOptions) {
    const tlsServer = (await loadTls()).createServer({ ...tlsOptions, noDelay: true } as tls.TlsOptions, (secure) => {
      secure.setNoDelay(true);
      acceptor.ready(secure, rawSocketOf(secure));
    });
    // Listeners run in order: node's own, which wraps the socket in TLS, then this one.
    tlsServer.on("connection", (raw: net.Socket) => {
      raw.setNoDelay(true);
      acceptor.accepted(raw);
    });
    tlsServer.on("tlsClientError", (error, secure) => {
      acceptor.tlsFailed(error, rawSocketOf(secure));
      secure.destroy();
    });
    server = tlsServer;
  } else {
    server = net.createServer({ noDelay: true }, (socket) => {
      socket.setNoDelay(true);
      acceptor.accepted(socket);
      if (!socket.destroyed) acceptor.ready(socket, socket);
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    const done = () => {
      server.off("error", reject);
      resolve();
    };
    if ("path" in address) server.listen(address.path, done);
    else server.listen({ host: address.host, port: address.port, exclusive: true }, done);
  }).catch((error: NodeJS.ErrnoException) => {
    const where = "path" in address ? address.path : `${address.host}:${address.port}`;
    throw new CommunicationError(`cannot listen on ${where}: ${listenReason(error, "path" in address)}`, { cause: error });
  });
  const bound = server.address();
  const actual: ListenAddress =
    typeof bound === "object" && bound !== null ? { host: "host" in address ? address.host : bound.address, port: bound.port } : address;
  return { server, address: actual };
}

/**
 * The TCP socket under a server-side TLS socket. Node keeps it as `_parent` (since its first TLS
 * server); every TLS test would fail if that changed.
 */
function rawSocketOf(secure: tls.TLSSocket): net.Socket | undefined {
  const parent = (secure as unknown as { _parent?: unknown })._parent;
  return parent instanceof net.Socket ? parent : undefined;
}

/**
 * Opens a stream to `address`, over TLS when `tlsOptions` is given. Rejects with
 * {@link CommunicationError} naming `what` (usually the URI) when refused, {@link SecurityError}
 * when the TLS handshake fails, or {@link TimeoutError} after `timeoutSeconds` (0 = no timeout).
 */
export async function connect(address: ListenAddress, what: string, timeoutSeconds: number, tlsOptions?: tls.ConnectionOptions): Promise<net.Socket> {
  const secure = tlsOptions && (await loadTls());
  return new Promise((resolve, reject) => {
    const target = "path" in address ? { path: address.path } : { host: address.host, port: address.port };
    // SNI takes host names only; certificates for IP addresses are still checked against the IP.
    const servername = "host" in address && !net.isIP(address.host) ? address.host : undefined;
    const socket = secure ? secure.connect({ servername, ...tlsOptions, ...target }) : net.connect(target);
    let timer: NodeJS.Timeout | undefined;
    if (timeoutSeconds > 0) {
      timer = setTimeout(() => {
        socket.destroy();
        reject(new TimeoutError(`connecting to ${what} timed out after ${timeoutSeconds} s`));
      }, timeoutSeconds * 1000);
    }
    socket.once(tlsOptions ? "secureConnect" : "connect", () => {
      clearTimeout(timer);
      socket.off("error", onError);
      socket.setNoDelay(true);
      resolve(socket);
    });
    const onError = (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (tlsOptions && isTlsFailure(error)) {
        reject(new SecurityError(`TLS handshake with ${what} failed: ${error.message}`, { cause: error }));
        return;
      }
      const reason =
        error.code === "ECONNREFUSED"
          ? "connection refused (nothing listens at that address and port: is the daemon running, and is this its address?)"
          : error.code === "ENOENT"
            ? "no such socket file"
            : (error.code ?? error.message);
      reject(new CommunicationError(`cannot connect to ${what}: ${reason}`, { cause: error }));
    };
    socket.once("error", onError);
  });
}

/** node:tls, loaded by the first TLS listener or connection rather than by every process at start-up. */
function loadTls(): Promise<typeof tls> {
  return import("node:tls").then((loaded) => loaded.default);
}

function isTlsFailure(error: NodeJS.ErrnoException): boolean {
  const code = error.code ?? "";
  return code.startsWith("ERR_SSL") || code.startsWith("ERR_TLS") || /CERT|SELF_SIGNED|UNABLE_TO|HOSTNAME|ALTNAME/.test(code) || error.code === "ECONNRESET";
}

/** The errno of a failed listen, with what it means and what to do for the common ones. */
function listenReason(error: NodeJS.ErrnoException, unixSocket: boolean): string {
  switch (error.code) {
    case "EADDRINUSE":
      return unixSocket
        ? "EADDRINUSE (the socket file exists: another daemon uses it, or a stale file is left over; remove it or choose another path)"
        : "EADDRINUSE (address already in use: another program, perhaps another daemon or pyro-ns, listens there; pick another port, or port 0 for any free one)";
    case "EADDRNOTAVAIL":
      return "EADDRNOTAVAIL (no network interface of this machine has that address; use 127.0.0.1, 0.0.0.0 or one of this machine's addresses)";
    case "EACCES":
      return unixSocket
        ? "EACCES (permission denied: choose a socket path in a directory you may write to)"
        : "EACCES (permission denied: ports below 1024 need privileges; pick a higher port)";
    default:
      return error.code ?? error.message;
  }
}

/** Opens a connection to a daemon: what a proxy's channel speaks Pyro over. */
export type Dialer = (address: ListenAddress, what: string, timeoutSeconds: number, tlsOptions?: tls.ConnectionOptions) => Promise<Duplex>;

/** Binds a listener whose connections go to `acceptor` (see {@link listen}). */
export type Binder = (address: ListenAddress, acceptor: Acceptor, tlsOptions?: tls.TlsOptions) => Promise<Listener>;

/**
 * How an endpoint reaches others and is reached: real sockets ({@link socketNetwork}), or in the
 * unit tests an in-memory network of duplex pairs that calls the same {@link Acceptor} methods.
 */
export interface Network {
  readonly dial: Dialer;
  readonly bind: Binder;
}

/** TCP, Unix sockets and TLS. */
export const socketNetwork: Network = Object.freeze({ dial: connect, bind: listen });
