/**
 * Failures as HTTP answers. Every error the gateway sends is JSON of one shape, which is also
 * Pyro4's exception dict (so Pyro gateway clients that read `__class__` and `args` keep working):
 *
 * ```json
 * { "error": "remote-exception", "status": 500, "type": "builtins.ZeroDivisionError",
 *   "message": "division by zero", "args": ["division by zero"], "attributes": {},
 *   "__class__": "builtins.ZeroDivisionError", "__exception__": true,
 *   "traceback": ["Traceback ...\n", "..."] }
 * ```
 *
 * | status | `error`                  | when                                                        |
 * | ------ | ------------------------ | ----------------------------------------------------------- |
 * | 400    | `bad-request`            | malformed URL, query, header or body                        |
 * | 403    | `forbidden`              | missing or wrong gateway key                                |
 * | 404    | `not-found`              | unknown path, a name not exposed or not registered, an unknown method |
 * | 405    | `method-not-allowed`     | an HTTP method other than GET, POST (and OPTIONS for CORS)  |
 * | 413    | `too-large`              | a body over `maxBody`                                       |
 * | 415    | `unsupported-media-type` | a body that is neither JSON nor a form                      |
 * | 500    | `remote-exception`       | the remote method raised; `type` is its class               |
 * | 500    | `gateway-error`          | the gateway itself failed                                   |
 * | 502    | `unreachable`            | the object's daemon cannot be reached or broke the protocol |
 * | 502    | `nameserver-unreachable` | the name server cannot be reached                           |
 * | 504    | `timeout`                | no answer within the call's timeout                         |
 * | (499)  | `client-closed`          | the client went away before the answer (never sent; seen by observers) |
 *
 * `traceback` (the remote traceback) and `detail` (the gateway's own diagnosis, which may name
 * internal hosts) are sent only when the gateway's `tracebacks` option is on.
 */
import { CommunicationError, PyroError, RemoteError, TimeoutError } from "@pyrots/core";
import type { ErrorBody } from "../../browser/protocol.js";

export type { ErrorBody };

/** The `error` field of an error body. */
export type ErrorKind =
  | "bad-request"
  | "forbidden"
  | "not-found"
  | "method-not-allowed"
  | "too-large"
  | "unsupported-media-type"
  | "remote-exception"
  | "gateway-error"
  | "unreachable"
  | "nameserver-unreachable"
  | "timeout"
  | "client-closed";

const STATUS: Record<ErrorKind, number> = {
  "bad-request": 400,
  forbidden: 403,
  "not-found": 404,
  "method-not-allowed": 405,
  "too-large": 413,
  "unsupported-media-type": 415,
  "remote-exception": 500,
  "gateway-error": 500,
  unreachable: 502,
  "nameserver-unreachable": 502,
  timeout: 504,
  "client-closed": 499,
};

/** The class name each gateway-made error travels under. */
const TYPE: Record<ErrorKind, string> = {
  "bad-request": "pyrots.gateway.BadRequest",
  forbidden: "Pyro4.errors.SecurityError",
  "not-found": "Pyro4.errors.NamingError",
  "method-not-allowed": "pyrots.gateway.MethodNotAllowed",
  "too-large": "pyrots.gateway.PayloadTooLarge",
  "unsupported-media-type": "pyrots.gateway.UnsupportedMediaType",
  "remote-exception": "builtins.Exception",
  "gateway-error": "pyrots.gateway.InternalError",
  unreachable: "Pyro4.errors.CommunicationError",
  "nameserver-unreachable": "Pyro4.errors.NamingError",
  timeout: "Pyro4.errors.TimeoutError",
  "client-closed": "pyrots.gateway.ClientClosed",
};

/** A failure the gateway answers with a given kind (and so status). */
export class GatewayError extends Error {
  /** The HTTP status of {@link kind}. */
  readonly status: number;

  /**
   * @param message shown to HTTP clients: must not contain internal details.
   * @param detail the internal diagnosis, shown only with `tracebacks` on.
   */
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly detail?: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "GatewayError";
    this.status = STATUS[kind];
  }
}

/** What an error becomes on the HTTP side. */
export interface Failure {
  readonly kind: ErrorKind;
  readonly status: number;
  readonly body: ErrorBody & { error: ErrorKind };
  readonly headers?: Record<string, string>;
}

/**
 * Classifies anything thrown while serving a request. Exceptions that came from the remote side
 * (a {@link RemoteError}, or a Pyro error carrying a remote traceback) are `remote-exception`;
 * local timeouts and communication failures are `timeout` and `unreachable`.
 */
export function failureOf(error: unknown, tracebacks: boolean): Failure {
  if (error instanceof GatewayError) {
    const body = errorBody(error.kind, TYPE[error.kind], error.message, [error.message], {});
    if (tracebacks && error.detail) body.detail = error.detail;
    return { kind: error.kind, status: error.status, body, headers: error.headers };
  }
  if (error instanceof RemoteError || (error instanceof PyroError && error.remoteTraceback !== undefined)) {
    const type = error instanceof RemoteError ? error.remoteType : error.pyroName;
    const args = error instanceof RemoteError ? error.args : [error.message];
    const attributes = error instanceof RemoteError ? error.attributes : {};
    const body = errorBody("remote-exception", type, error.message, args, attributes);
    if (tracebacks && error.remoteTraceback) body.traceback = error.remoteTraceback;
    return { kind: "remote-exception", status: 500, body };
  }
  if (error instanceof TimeoutError) return local("timeout", "the call did not finish within its timeout", error, tracebacks);
  if (error instanceof CommunicationError) return local("unreachable", "the object's daemon could not be reached", error, tracebacks);
  if (error instanceof PyroError) return local("unreachable", "the call failed between the gateway and the object's daemon", error, tracebacks);
  return local("gateway-error", "the gateway failed to serve the request", error, tracebacks);
}

function local(kind: ErrorKind, message: string, error: unknown, tracebacks: boolean): Failure {
  const type = error instanceof PyroError ? error.pyroName : TYPE[kind];
  const body = errorBody(kind, type, message, [message], {});
  if (tracebacks) body.detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { kind, status: STATUS[kind], body };
}

function errorBody(kind: ErrorKind, type: string, message: string, args: unknown[], attributes: Record<string, unknown>): ErrorBody & { error: ErrorKind } {
  return { error: kind, status: STATUS[kind], type, message, args, attributes, __class__: type, __exception__: true };
}
