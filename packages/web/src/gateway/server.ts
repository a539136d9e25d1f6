/**
 * `startGateway`: the gateway on its own `node:http` server, with the limits that keep hostile
 * clients bounded: header size and count, time to send the headers and the whole request
 * (slow senders get 408), connections, and keep-alive idle time.
 *
 * ```ts
 * await using gateway = await startGateway({ port: 8080, expose: "example\\.", nameServer: { host: "127.0.0.1" } });
 * console.log(gateway.url); // http://localhost:8080/
 * ```
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { GatewayApp } from "./app.js";
import type { GatewayOptions } from "./options.js";

/** Largest request head (request line and headers) in bytes. */
const MAX_HEADER_BYTES = 16 * 1024;
/** Most headers in one request. */
const MAX_HEADERS = 64;

/** A running gateway. */
export interface Gateway extends AsyncDisposable {
  /** The request handling, its settings and statistics. */
  readonly app: GatewayApp;
  readonly server: http.Server;
  /** The address it listens on. */
  readonly address: AddressInfo;
  /** Base URL, prefix included, ending in `/`: `http://127.0.0.1:8080/gw/`. */
  readonly url: string;
  /** Stops listening, ends open connections (streams included) and closes the proxies. Idempotent. */
  close(): Promise<void>;
}

/** Starts a gateway; resolves once it listens. */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const app = new GatewayApp(options);
  const { settings } = app;
  const headersTimeout = settings.headersTimeout * 1000;
  const server = http.createServer(
    {
      maxHeaderSize: MAX_HEADER_BYTES,
      headersTimeout,
      requestTimeout: Math.max(settings.requestTimeout * 1000, headersTimeout),
      // How often the two timeouts above are checked (Node's default, 30 s, lets slow senders linger).
      connectionsCheckingInterval: Math.min(1000, headersTimeout),
      keepAliveTimeout: 5000,
    },
    app.handler,
  );
  server.maxHeadersCount = MAX_HEADERS;
  if (settings.maxConnections > 0) server.maxConnections = settings.maxConnections;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(settings.port, settings.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await app.close();
    })());
  return {
    app,
    server,
    address,
    url: `http://${host}:${address.port}${settings.prefix}/`,
    close,
    [Symbol.asyncDispose]: close,
  };
}
