/**
 * Errors of the browser client, one class per kind of failure the gateway reports:
 *
 * | class                | status        | when                                                       |
 * | -------------------- | ------------- | ---------------------------------------------------------- |
 * | `RemoteError`        | 500           | the remote method raised (`remoteType`, `remoteTraceback`) |
 * | `NotFoundError`      | 404           | a name not exposed or registered, an unknown method        |
 * | `ForbiddenError`     | 403           | missing or wrong gateway key, a refused origin             |
 * | `BadRequestError`    | 400, 405, 413, 415 | the request was malformed, too large, or not allowed  |
 * | `TimeoutError`       | 504           | the call did not finish within its timeout                 |
 * | `UnreachableError`   | 502, or 0     | the object's daemon or the name server could not be reached (0: the gateway itself) |
 * | `GatewayError`       | other         | the base class of all of these                             |
 */
import type { ErrorBody } from "./protocol.js";

/** Base class of the client's errors. */
export class GatewayError extends Error {
  /** The HTTP status (0 when the gateway could not be reached at all). */
  readonly status: number;
  /** The gateway's name for the failure: `remote-exception`, `timeout`, `not-found`, ... */
  readonly kind: string;
  /** The exception's class on the remote side (or the gateway's), e.g. `builtins.ValueError`. */
  readonly remoteType: string;
  /** The exception's args. */
  readonly args: readonly unknown[];
  /** The exception's attributes (custom fields). */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Remote traceback lines, when the gateway sends them (its `tracebacks` option). */
  readonly remoteTraceback: readonly string[] | undefined;
  /** The gateway's diagnosis, when it sends details. */
  readonly detail: string | undefined;
  /** The call's correlation id. */
  readonly correlationId: string | undefined;

  constructor(status: number, body: Partial<ErrorBody>, correlationId?: string) {
    super(typeof body.message === "string" ? body.message : `HTTP ${status}`);
    this.name = new.target.name;
    this.status = status;
    this.kind = typeof body.error === "string" ? body.error : "http-error";
    this.remoteType = typeof body.type === "string" ? body.type : "";
    this.args = Array.isArray(body.args) ? body.args : [];
    this.attributes = body.attributes !== null && typeof body.attributes === "object" ? body.attributes : {};
    this.remoteTraceback = Array.isArray(body.traceback) ? body.traceback.map(String) : undefined;
    this.detail = typeof body.detail === "string" ? body.detail : undefined;
    this.correlationId = correlationId;
  }
}

/** The remote method raised an exception. */
export class RemoteError extends GatewayError {}
/** The name is not exposed or not registered, or the object has no such member. */
export class NotFoundError extends GatewayError {}
/** The gateway key is missing or wrong, or the page's origin is not allowed. */
export class ForbiddenError extends GatewayError {}
/** The request was malformed, too large, or used a method the gateway does not allow. */
export class BadRequestError extends GatewayError {}
/** The call did not finish within its timeout. */
export class TimeoutError extends GatewayError {}
/** The object's daemon, the name server, or the gateway itself could not be reached. */
export class UnreachableError extends GatewayError {}

/** The error for an answer with `status` and (parsed) `body`. */
export function errorFromAnswer(status: number, body: unknown, correlationId?: string): GatewayError {
  const fields: Partial<ErrorBody> = body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Partial<ErrorBody>) : {};
  const kind = fields.error;
  if (kind === "remote-exception") return new RemoteError(status, fields, correlationId);
  if (status === 404) return new NotFoundError(status, fields, correlationId);
  if (status === 403) return new ForbiddenError(status, fields, correlationId);
  if (status === 504 || kind === "timeout") return new TimeoutError(status, fields, correlationId);
  if (status === 502 || status === 0) return new UnreachableError(status, fields, correlationId);
  if (status === 400 || status === 405 || status === 413 || status === 415) return new BadRequestError(status, fields, correlationId);
  return new GatewayError(status, fields, correlationId);
}
