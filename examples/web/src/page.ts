/**
 * Serves the example's web page (`public/`) on its own origin, telling it where the gateway is.
 * The page imports the browser client from the gateway (`<gateway>/pyro/$client.js`) and calls
 * the thermostat through it; the gateway must allow this page's origin (`--cors`).
 *
 *     node examples/web/dist/page.js [--port 8000] [--gateway http://localhost:8080/]
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { isMain, runMain } from "@pyrots/example-support";

const PUBLIC = new URL("../public/", import.meta.url);
const FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/thermostat.js": { file: "thermostat.js", type: "text/javascript; charset=utf-8" },
};

/** A running page server. */
export interface PageServer {
  /** The page's URL, e.g. `http://127.0.0.1:8000/`. */
  readonly url: string;
  /** The page's origin, for the gateway's `cors` option. */
  readonly origin: string;
  /** Sets the gateway the page talks to (its base URL, ending in `/`). */
  setGateway(url: string): void;
  close(): Promise<void>;
}

/** Serves the page on 127.0.0.1:`port` (0: any free port). */
export async function servePage(port = 0, gateway = "http://localhost:8080/"): Promise<PageServer> {
  let gatewayUrl = gateway;
  const server = http.createServer((request, response) => {
    const entry = FILES[new URL(request.url ?? "/", "http://page").pathname];
    if (!entry) return void response.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
    let body = readFileSync(new URL(entry.file, PUBLIC), "utf8");
    if (entry.file === "index.html") body = body.replace("%GATEWAY%", gatewayUrl.replace(/"/g, "&quot;"));
    response.writeHead(200, { "Content-Type": entry.type, "Cache-Control": "no-cache" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/`,
    origin,
    setGateway: (url) => (gatewayUrl = url),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: "string" }, gateway: { type: "string" } } });
  const page = await servePage(Number(values.port ?? 8000), values.gateway ?? "http://localhost:8080/");
  console.log(`page ready: ${page.url} (start the gateway with --cors ${page.origin})`);
}

if (isMain(import.meta.url)) runMain(main);
