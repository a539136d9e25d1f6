/**
 * A tiny HTTP endpoint for orchestrators (Kubernetes probes, load balancers, systemd watchdogs):
 *
 * | path       | 200 when                    | 503 when             | body (JSON)                                    |
 * | ---------- | --------------------------- | -------------------- | ---------------------------------------------- |
 * | `/livez`   | serving or draining         | stopped              | `{"state": ...}`                               |
 * | `/readyz`  | serving                     | draining or stopped  | `{"state": ...}`                               |
 * | `/healthz` | serving                     | draining or stopped  | state, connections, calls in flight, streams, names |
 *
 * Anything else is 404; only GET and HEAD are answered. It binds to 127.0.0.1 unless told
 * otherwise, and reveals no more than the table says.
 */
import type http from "node:http";
import type { AddressInfo } from "node:net";

/** What the endpoint reports. */
export interface HealthReport {
  readonly state: "serving" | "draining" | "stopped";
  readonly connections: number;
  readonly callsInFlight: number;
  readonly streams: number;
  readonly names: readonly string[];
}

/** Where to serve the endpoint. */
export interface HealthEndpointOptions {
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
}

/** A running health endpoint. */
export interface HealthEndpoint extends AsyncDisposable {
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves the endpoint for `report` until closed. */
export async function serveHealth(report: () => HealthReport, options: HealthEndpointOptions = {}): Promise<HealthEndpoint> {
  // Loaded here, not at start-up: most daemons serve no health endpoint.
  const { createServer } = await import("node:http");
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" && request.method !== "HEAD") return answer(response, 405, { error: "only GET and HEAD" });
    const now = report();
    if (path === "/livez") return answer(response, now.state === "stopped" ? 503 : 200, { state: now.state });
    if (path === "/readyz") return answer(response, now.state === "serving" ? 200 : 503, { state: now.state });
    if (path === "/healthz") return answer(response, now.state === "serving" ? 200 : 503, now);
    answer(response, 404, { error: "unknown path: use /livez, /readyz or /healthz" });
  });
  server.headersTimeout = 5000;
  server.requestTimeout = 5000;
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // A health endpoint must not keep a stopped daemon's process alive.
  server.unref();
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  return { url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`, port, close, [Symbol.asyncDispose]: close };
}

function answer(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  response.end(text);
}
