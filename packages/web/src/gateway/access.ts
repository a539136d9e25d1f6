/**
 * Who may call what: the gateway key, the exposed-name pattern, and the browser origin checks
 * (CORS answers and the refusal of cross-site requests that CORS does not allow).
 *
 * Browsers send some cross-site requests without asking first (a GET from an `<img>`, a form
 * POST), so CORS alone does not stop another site from making a visitor's browser call an object.
 * The gateway refuses API requests whose `Origin` is another site, or that the browser marks as
 * cross-site (`Sec-Fetch-Site`), unless that origin is allowed by the `cors` option.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { GatewayError } from "./errors.js";
import { headerText } from "./params.js";

/** Headers a browser may send cross-origin, and those it may read from answers. */
const ALLOWED_HEADERS = "Content-Type, Accept, X-Pyro-Gateway-Key, X-Pyro-Options, X-Pyro-Correlation-Id, X-Pyro-Timeout, traceparent, tracestate";
const EXPOSED_HEADERS = "X-Pyro-Correlation-Id";

/** Compares gateway keys in constant time (over digests, so lengths do not show either). */
export class KeyCheck {
  private readonly digest: Buffer | undefined;

  constructor(key: string | undefined) {
    this.digest = key === undefined ? undefined : sha256(key);
  }

  /** Throws `forbidden` unless `given` is the key (or no key is set). */
  check(given: string | undefined): void {
    if (this.digest === undefined) return;
    if (given === undefined || given === "") throw new GatewayError("forbidden", "this gateway needs a key: send it in the X-Pyro-Gateway-Key header");
    if (!timingSafeEqual(sha256(given), this.digest)) throw new GatewayError("forbidden", "incorrect gateway key");
  }
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** Throws `not-found` unless the pattern exposes `name` (the same answer as for unknown names). */
export function checkExposed(matcher: RegExp, name: string): void {
  if (!matcher.test(name)) throw new GatewayError("not-found", `unknown name: ${name}`, `the name does not match the expose pattern ${matcher.source}`);
}

/** The CORS policy: origins allowed to call from other sites. */
export class OriginPolicy {
  constructor(private readonly allowed: readonly string[] | "*" | undefined) {}

  /** True when `origin` may call the gateway cross-origin. */
  allows(origin: string): boolean {
    const allowed = this.allowed;
    return allowed === "*" || (allowed !== undefined && allowed.includes(origin));
  }

  /**
   * Refuses a cross-site API request from an origin CORS does not allow. Same-origin requests
   * and requests from programs that are not browsers pass.
   */
  checkRequest(request: IncomingMessage): void {
    const origin = headerText(request.headers, "origin");
    if (origin !== "" && this.allows(origin)) return;
    // Browsers say where a request comes from (as they see it, which a reverse proxy's Host
    // rewriting does not change); older ones send only an Origin to compare with the Host.
    const site = headerText(request.headers, "sec-fetch-site");
    const refused = site !== "" ? site !== "same-origin" && site !== "none" : origin !== "" && !sameOrigin(origin, request);
    if (refused) {
      throw new GatewayError(
        "forbidden",
        "cross-origin requests are not allowed by this gateway (see its cors option)",
        `origin ${origin || "(none)"}, sec-fetch-site ${site || "(none)"}`,
      );
    }
  }

  /** Adds the CORS headers an answer to `request` needs. */
  decorate(request: IncomingMessage, response: ServerResponse): void {
    const origin = headerText(request.headers, "origin");
    if (origin === "" || !this.allows(origin)) return;
    response.setHeader("Access-Control-Allow-Origin", this.allowed === "*" ? "*" : origin);
    response.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    if (this.allowed !== "*") response.setHeader("Vary", "Origin");
  }

  /** Answers a CORS preflight (`OPTIONS`): 204 with the allowed methods and headers, or 403. */
  preflight(request: IncomingMessage, response: ServerResponse): void {
    const origin = headerText(request.headers, "origin");
    if (origin === "" || !this.allows(origin)) {
      throw new GatewayError("forbidden", "cross-origin requests are not allowed by this gateway (see its cors option)");
    }
    this.decorate(request, response);
    response.setHeader("Access-Control-Allow-Methods", "GET, POST");
    response.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
    response.setHeader("Access-Control-Max-Age", "600");
    response.writeHead(204).end();
  }
}

/** True when `origin` is the gateway's own, as the request reached it (`Host`). */
function sameOrigin(origin: string, request: IncomingMessage): boolean {
  const host = headerText(request.headers, "x-forwarded-host") || headerText(request.headers, "host");
  try {
    return new URL(origin).host === host && host !== "";
  } catch {
    return false;
  }
}
