/**
 * The files the gateway serves: the browser client's ES modules (built to `dist/browser/`) and the
 * console's page and style (`console/`), read once at startup into a fixed table. No request path
 * ever reaches the file system.
 *
 * The client's modules are served twice: under `P/pyro/$client/` (with `P/pyro/$client.js`
 * re-exporting the entry module) for pages that import the client, and under `P/console/` beside
 * the console, which imports them relatively, so that everything works under any prefix. The
 * client's copies may be imported by pages of any origin (module scripts are fetched with CORS):
 * they are public code, and whether such a page may then call the gateway is the `cors` option's
 * decision.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { GatewayError } from "./errors.js";

/** One file to serve. */
export interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
  readonly headers: Record<string, string>;
}

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** The console page may load only its own files and talk only to its own gateway. */
const CONSOLE_HEADERS: Record<string, string> = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
};

/** Anyone may import the client's modules. */
const CLIENT_HEADERS: Record<string, string> = { "Access-Control-Allow-Origin": "*" };

/** The entry module at `P/pyro/$client.js`. */
const CLIENT_ENTRY = 'export * from "./$client/client.js";\n';

/** The gateway's static files, by route. */
export class Assets {
  /** Files under `P/console/`. */
  readonly console = new Map<string, Asset>();
  /** Files under `P/pyro/` (`$client.js`) and `P/pyro/$client/`. */
  readonly client = new Map<string, Asset>();

  /**
   * Reads the files; throws when the browser modules were not built.
   * @param browserDir the built browser modules (default: this package's `dist/browser/`).
   * @param consoleDir the console's page and style (default: this package's `console/`).
   */
  constructor(browserDir = fileURLToPath(new URL("../browser/", import.meta.url)), consoleDir = fileURLToPath(new URL("../../console/", import.meta.url))) {
    if (!existsSync(`${browserDir}/client.js`)) throw new Error(`the browser client is not built (no ${browserDir}/client.js): run \`npm run build\``);
    for (const file of readdirSync(browserDir)) {
      if (!file.endsWith(".js")) continue;
      const body = readFileSync(`${browserDir}/${file}`);
      this.client.set(file, makeAsset(file, body, CLIENT_HEADERS));
      this.console.set(file, makeAsset(file, body, {}));
    }
    this.client.set("$client.js", makeAsset("$client.js", Buffer.from(CLIENT_ENTRY), CLIENT_HEADERS));
    for (const file of readdirSync(consoleDir)) {
      const extension = file.slice(file.lastIndexOf("."));
      if (TYPES[extension] === undefined) continue;
      this.console.set(file, makeAsset(file, readFileSync(`${consoleDir}/${file}`), extension === ".html" ? CONSOLE_HEADERS : {}));
    }
  }

  /** Answers a GET or HEAD for `asset` (304 when the client's copy is current). */
  serve(request: IncomingMessage, response: ServerResponse, asset: Asset | undefined): void {
    if (request.method !== "GET" && request.method !== "HEAD") {
      throw new GatewayError("method-not-allowed", `${request.method} is not allowed here: use GET`, undefined, { Allow: "GET, HEAD" });
    }
    if (!asset) throw new GatewayError("not-found", "no such file");
    const headers = { "Content-Type": asset.type, ETag: asset.etag, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff", ...asset.headers };
    if (request.headers["if-none-match"] === asset.etag) {
      response.writeHead(304, headers).end();
      return;
    }
    response.writeHead(200, { ...headers, "Content-Length": String(asset.body.length) });
    response.end(request.method === "HEAD" ? undefined : asset.body);
  }
}

function makeAsset(file: string, body: Buffer, headers: Record<string, string>): Asset {
  const type = TYPES[file.slice(file.lastIndexOf("."))] ?? "application/octet-stream";
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
  return { body, type, etag, headers };
}
