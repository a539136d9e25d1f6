/**
 * `serveMetrics`: a small HTTP endpoint that Prometheus scrapes, `GET /metrics` (and nothing
 * else: other paths are 404, other methods 405). It reads no request body, bounds the headers
 * and the time a client has to send them, and answers each scrape from the registry.
 *
 * ```ts
 * await using endpoint = await serveMetrics(metrics, { host: "0.0.0.0", port: 9464 });
 * ```
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

/** What can be scraped: a `PrometheusMetrics`, or a prom-client registry. */
export interface MetricsSource {
  /** The text exposition. */
  metrics(): Promise<string>;
  /** Its `Content-Type`. */
  readonly contentType: string;
}

/** Options of {@link serveMetrics}. */
export interface ServeMetricsOptions {
  /** Host to listen on (default `localhost`; `0.0.0.0` for scrapers on other machines). */
  host?: string;
  /** TCP port (default 9464, the usual Prometheus exporter port; 0 = any free port). */
  port?: number;
  /** The path answered (default `/metrics`). */
  path?: string;
}

/** A running metrics endpoint. */
export interface MetricsEndpoint extends AsyncDisposable {
  readonly server: http.Server;
  readonly address: AddressInfo;
  /** The URL to scrape, e.g. `http://127.0.0.1:9464/metrics`. */
  readonly url: string;
  /** Stops listening and closes open connections. Idempotent. */
  close(): Promise<void>;
}

/** Serves `source` over HTTP; resolves once listening. */
export async function serveMetrics(source: MetricsSource, options: ServeMetricsOptions = {}): Promise<MetricsEndpoint> {
  const path = options.path ?? "/metrics";
  if (!path.startsWith("/")) throw new RangeError(`path must start with "/", got ${JSON.stringify(path)}`);
  const server = http.createServer({ maxHeaderSize: 8192, headersTimeout: 10_000, requestTimeout: 15_000, keepAliveTimeout: 5000 }, (request, response) => {
    request.on("error", () => undefined);
    response.on("error", () => undefined);
    answer(source, path, request, response).catch(() => response.destroy());
  });
  server.maxHeadersCount = 64;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 9464, options.host ?? "localhost", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  return { server, address, url: `http://${host}:${address.port}${path}`, close, [Symbol.asyncDispose]: close };
}

async function answer(source: MetricsSource, path: string, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  const target = request.url ?? "/";
  const query = target.indexOf("?");
  if ((query < 0 ? target : target.slice(0, query)) !== path) return plain(response, 404, `not found: metrics are at ${path}\n`);
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.setHeader("Allow", "GET, HEAD");
    return plain(response, 405, "use GET\n");
  }
  let text: string;
  try {
    text = await source.metrics();
  } catch {
    return plain(response, 500, "the metrics could not be collected\n");
  }
  response.writeHead(200, { "Content-Type": source.contentType, "Cache-Control": "no-store" });
  response.end(request.method === "HEAD" ? undefined : text);
}

function plain(response: http.ServerResponse, status: number, text: string): void {
  response.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" });
  response.end(text);
}
