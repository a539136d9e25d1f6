/**
 * The only file that knows about sockets: listening and connecting over TCP, Unix sockets and
 * (later) TLS. Everything else sees a `Duplex` wrapped in a `Connection`.
 */
import net from "node:net";
import { CommunicationError, TimeoutError } from "../errors.js";

/** Where a daemon listens. */
export type ListenAddress = { host: string; port: number } | { path: string };

/** A listening server and the address it is actually bound to. */
export interface Listener {
  readonly server: net.Server;
  /** For TCP the real port (useful with port 0); for Unix sockets the path. */
  readonly address: ListenAddress;
}

/** Binds a server; `onSocket` gets every accepted socket (Nagle already off). */
export async function listen(address: ListenAddress, onSocket: (socket: net.Socket) => void): Promise<Listener> {
  const server = net.createServer({ noDelay: true }, (socket) => {
    socket.setNoDelay(true);
    onSocket(socket);
  });
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
    throw new CommunicationError(`cannot listen on ${where}: ${error.code ?? error.message}`, { cause: error });
  });
  const bound = server.address();
  const actual: ListenAddress =
    typeof bound === "object" && bound !== null ? { host: "host" in address ? address.host : bound.address, port: bound.port } : address;
  return { server, address: actual };
}

/**
 * Opens a stream to `address`. Rejects with {@link CommunicationError} naming `what` (usually the
 * URI) when refused, or {@link TimeoutError} after `timeoutSeconds` (0 = no timeout).
 */
export function connect(address: ListenAddress, what: string, timeoutSeconds: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = "path" in address ? net.connect({ path: address.path }) : net.connect({ host: address.host, port: address.port, noDelay: true });
    let timer: NodeJS.Timeout | undefined;
    if (timeoutSeconds > 0) {
      timer = setTimeout(() => {
        socket.destroy();
        reject(new TimeoutError(`connecting to ${what} timed out after ${timeoutSeconds} s`));
      }, timeoutSeconds * 1000);
    }
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.off("error", onError);
      socket.setNoDelay(true);
      resolve(socket);
    });
    const onError = (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const reason = error.code === "ECONNREFUSED" ? "connection refused (is the daemon running?)" : error.code === "ENOENT" ? "no such socket file" : (error.code ?? error.message);
      reject(new CommunicationError(`cannot connect to ${what}: ${reason}`, { cause: error }));
    };
    socket.once("error", onError);
  });
}
