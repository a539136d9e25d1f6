/**
 * What an HTTP request asks for: the call's arguments and the request's controls.
 *
 * Arguments, in the ways Pyro's gateway takes them and in a typed one:
 *
 * | request                                                  | becomes                                   |
 * | -------------------------------------------------------- | ----------------------------------------- |
 * | `GET .../echo?message=hi` (query parameters)             | `echo(message="hi")`: keyword args, text  |
 * | `POST` form (`application/x-www-form-urlencoded`)        | the same, from the body                   |
 * | `POST` JSON `{"args": [1, 2], "kwargs": {"c": true}}`    | `f(1, 2, c=True)`: typed values           |
 * | `GET ...?$args=[1,2]&$kwargs={"c":true}`                 | the same, in a URL                        |
 *
 * A parameter repeated in a query or form becomes a list of texts (as in Pyro). Parameters
 * starting with `$` are controls: `$key`, `$args`, `$kwargs`, `$timeout`, `$stream`; others with
 * `$` are refused. Controls also come as headers: `X-Pyro-Gateway-Key`, `X-Pyro-Timeout`
 * (seconds), `X-Pyro-Correlation-Id` (a UUID), `X-Pyro-Options` (`oneway`, and pyrots' `attribute`:
 * read an attribute, never call a method).
 */
import type { IncomingHttpHeaders } from "node:http";
import { randomUUID } from "node:crypto";
import { GatewayError } from "./errors.js";
import { parseJson } from "./body.js";

/** Arguments of one call. */
export interface CallArguments {
  args: unknown[];
  kwargs: Record<string, unknown>;
}

/** How a remote iterator is streamed: NDJSON lines or server-sent events. */
export type StreamFormat = "ndjson" | "sse";

/** The controls of a request. */
export interface RequestControls {
  /** The gateway key the client sent, if any. */
  key: string | undefined;
  /** Call as oneway (`X-Pyro-Options: oneway`). */
  oneway: boolean;
  /** Read an attribute only (`X-Pyro-Options: attribute`). */
  attribute: boolean;
  /** Seconds the client allows the call (undefined: the gateway's own limit). */
  timeout: number | undefined;
  /** The correlation id: the client's (normalized), or a new one. */
  correlationId: string;
  /** How to stream a remote iterator. */
  stream: StreamFormat;
}

const RESERVED = new Set(["$key", "$args", "$kwargs", "$timeout", "$stream"]);
const UUID_HEX = /^(?:urn:uuid:)?\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i;

/** A request's query or form parameters split into control values and keyword arguments. */
export interface Parameters {
  controls: Map<string, string>;
  kwargs: Record<string, unknown>;
}

/** Splits URL-encoded parameters; `where` names them in errors ("query", "form"). */
export function splitParameters(params: URLSearchParams, where: string): Parameters {
  const controls = new Map<string, string>();
  const kwargs: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of params) {
    if (name.startsWith("$")) {
      if (!RESERVED.has(name)) throw new GatewayError("bad-request", `unknown ${where} control ${JSON.stringify(name)} (known: ${[...RESERVED].join(", ")})`);
      if (controls.has(name)) throw new GatewayError("bad-request", `${where} control ${name} given twice`);
      controls.set(name, value);
      continue;
    }
    const previous = kwargs[name];
    if (previous === undefined) kwargs[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else kwargs[name] = [previous, value];
  }
  return { controls, kwargs: { ...kwargs } };
}

/** `$args` / `$kwargs` from URL parameters, parsed as JSON. */
export function jsonControls(controls: Map<string, string>, maxDepth: number): Partial<CallArguments> {
  const out: Partial<CallArguments> = {};
  const args = controls.get("$args");
  if (args !== undefined) out.args = argsOf(parseJson(Buffer.from(args), maxDepth, "$args"), "$args");
  const kwargs = controls.get("$kwargs");
  if (kwargs !== undefined) out.kwargs = kwargsOf(parseJson(Buffer.from(kwargs), maxDepth, "$kwargs"), "$kwargs");
  return out;
}

/** Checks a JSON body `{"args": [...], "kwargs": {...}}` (both optional, nothing else). */
export function bodyArguments(value: unknown): Partial<CallArguments> {
  if (value === null || typeof value !== "object" || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) {
    throw new GatewayError("bad-request", 'JSON body must be an object {"args": [...], "kwargs": {...}}');
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== "args" && key !== "kwargs")
      throw new GatewayError("bad-request", `unknown field ${JSON.stringify(key)} in the JSON body (expected "args" and "kwargs")`);
  }
  const out: Partial<CallArguments> = {};
  if (record.args !== undefined) out.args = argsOf(record.args, '"args"');
  if (record.kwargs !== undefined) out.kwargs = kwargsOf(record.kwargs, '"kwargs"');
  return out;
}

/** `value` as positional arguments. */
export function argsOf(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new GatewayError("bad-request", `${what} must be a JSON array of positional arguments`);
  return value;
}

/** `value` as keyword arguments. */
export function kwargsOf(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) {
    throw new GatewayError("bad-request", `${what} must be a JSON object of keyword arguments`);
  }
  return value as Record<string, unknown>;
}

/** Merges keyword arguments from several places; a name given twice is refused. */
export function mergeKwargs(...sources: Record<string, unknown>[]): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const source of sources) {
    for (const key of Object.keys(source)) {
      if (Object.hasOwn(merged, key)) throw new GatewayError("bad-request", `keyword argument ${JSON.stringify(key)} given twice`);
      Object.defineProperty(merged, key, { value: source[key], enumerable: true, writable: true, configurable: true });
    }
  }
  return merged;
}

/** The controls of a request, from its headers and its `$` parameters. */
export function requestControls(headers: IncomingHttpHeaders, controls: Map<string, string>): RequestControls {
  const options = headerText(headers, "x-pyro-options")
    .split(",")
    .map((option) => option.trim().toLowerCase());
  const timeoutText = headerText(headers, "x-pyro-timeout") || controls.get("$timeout");
  return {
    key: headerText(headers, "x-pyro-gateway-key") || controls.get("$key"),
    oneway: options.includes("oneway"),
    attribute: options.includes("attribute"),
    timeout: timeoutText ? timeoutOf(timeoutText) : undefined,
    correlationId: correlationIdOf(headerText(headers, "x-pyro-correlation-id")),
    stream: streamFormatOf(controls.get("$stream"), headerText(headers, "accept")),
  };
}

/** A header's value as one text ("" when absent). */
export function headerText(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : (value ?? "");
}

function timeoutOf(text: string): number {
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !Number.isFinite(seconds) || seconds <= 0) {
    throw new GatewayError("bad-request", `timeout must be a positive number of seconds, got ${JSON.stringify(text.slice(0, 40))}`);
  }
  return seconds;
}

function correlationIdOf(text: string): string {
  if (text === "") return randomUUID();
  const match = UUID_HEX.exec(text.trim());
  if (!match) throw new GatewayError("bad-request", "X-Pyro-Correlation-Id must be a UUID, e.g. 11112222-1111-2222-3333-222244449999");
  return match.slice(1).join("-").toLowerCase();
}

function streamFormatOf(requested: string | undefined, accept: string): StreamFormat {
  if (requested !== undefined) {
    if (requested !== "ndjson" && requested !== "sse")
      throw new GatewayError("bad-request", `$stream must be ndjson or sse, got ${JSON.stringify(requested.slice(0, 40))}`);
    return requested;
  }
  return accept.includes("text/event-stream") && !accept.includes("application/x-ndjson") ? "sse" : "ndjson";
}
