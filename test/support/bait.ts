/**
 * Bait for proxies that should never connect: a TCP listener on 127.0.0.1 that counts the
 * connections it gets and drops each one at once (so a call made through such a proxy fails fast,
 * and an unawaited one would end in an unhandled rejection), plus the Pyro4 proxy class dict that
 * points at it — what a hostile peer would put in a payload.
 */
import net from "node:net";

/** A listener counting connection attempts. */
export interface Bait extends AsyncDisposable {
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** A `Pyro4.core.Proxy` class dict for an object on this listener. */
  proxyDict(objectId?: string): Record<string, unknown>;
}

/** Starts a bait listener on 127.0.0.1. */
export async function startBait(): Promise<Bait> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    get connections() {
      return connections;
    },
    proxyDict: (objectId = "bait") => ({
      __class__: "Pyro4.core.Proxy",
      state: [`PYRO:${objectId}@127.0.0.1:${port}`, [], ["toString", "valueOf"], [], null, null, "hello", 0, null],
    }),
    [Symbol.asyncDispose]: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
