/**
 * Writing answers: JSON values as pyrots' json serializer writes them (the text Pyro's gateway
 * sends: Python's `NaN`/`Infinity` literals and big integers included, bytes as
 * `{"data": "<base64>", "encoding": "base64"}`), error bodies, and nothing at all for oneway calls.
 */
import type { ServerResponse } from "node:http";
import { jsonSerializer } from "@pyrots/core/internal";
import type { Failure } from "./errors.js";

/** Headers of every API answer. */
const API_HEADERS: Record<string, string> = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };

/** JSON text of `value` as the gateway sends it. */
export function jsonText(value: unknown): Buffer {
  return jsonSerializer.encode(value);
}

/** Answers with `value` as JSON. */
export function sendJson(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(response, status, jsonText(value), headers);
}

/** Answers with a failure's JSON body. */
export function sendFailure(response: ServerResponse, failure: Failure, headers: Record<string, string> = {}): void {
  if (response.headersSent) {
    // Too late for a status: the client sees the answer cut short.
    response.destroy();
    return;
  }
  send(response, failure.status, jsonText(failure.body), { ...headers, ...failure.headers });
}

/** Answers 200 with an empty body (a oneway call, as Pyro's gateway does). */
export function sendEmpty(response: ServerResponse, headers: Record<string, string> = {}): void {
  if (response.destroyed) return;
  response.writeHead(200, { ...API_HEADERS, "Content-Type": "application/json; charset=utf-8", "Content-Length": "0", ...headers }).end();
}

/** Redirects with 302 to `location`. */
export function sendRedirect(response: ServerResponse, location: string): void {
  response.writeHead(302, { Location: location, "Content-Length": "0" }).end();
}

function send(response: ServerResponse, status: number, body: Buffer, headers: Record<string, string>): void {
  if (response.destroyed) return;
  response
    .writeHead(status, { ...API_HEADERS, "Content-Type": "application/json; charset=utf-8", "Content-Length": String(body.length), ...headers })
    .end(body);
}

/** The headers that start a streamed answer in `format`. */
export function streamHeaders(format: "ndjson" | "sse"): Record<string, string> {
  return {
    ...API_HEADERS,
    "Content-Type": format === "sse" ? "text/event-stream; charset=utf-8" : "application/x-ndjson; charset=utf-8",
    // Reverse proxies (nginx) would otherwise hold items back.
    "X-Accel-Buffering": "no",
  };
}
