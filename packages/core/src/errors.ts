/**
 * The error family of pyrots, named as Pyro4 names them so that errors crossing the wire keep
 * their identity in both directions.
 *
 * | class                 | Pyro4 wire name                       |
 * | --------------------- | ------------------------------------- |
 * | PyroError             | Pyro4.errors.PyroError                |
 * | CommunicationError    | Pyro4.errors.CommunicationError       |
 * | ConnectionClosedError | Pyro4.errors.ConnectionClosedError    |
 * | TimeoutError          | Pyro4.errors.TimeoutError             |
 * | ProtocolError         | Pyro4.errors.ProtocolError            |
 * | MessageTooLargeError  | Pyro4.errors.MessageTooLargeError     |
 * | SerializeError        | Pyro4.errors.SerializeError           |
 * | NamingError           | Pyro4.errors.NamingError              |
 * | DaemonError           | Pyro4.errors.DaemonError              |
 * | SecurityError         | Pyro4.errors.SecurityError            |
 *
 * Exceptions raised by the remote side's own code arrive as {@link RemoteError}, which keeps the
 * remote type name, args, attributes and traceback lines.
 */

/** Options shared by every pyrots error. */
export interface PyroErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
}

/** Base class of every error pyrots raises. */
export class PyroError extends Error {
  /** The name this error travels under on the wire (a Pyro4 class path). */
  static readonly pyroName: string = "Pyro4.errors.PyroError";
  /**
   * Traceback lines of the remote side when this error was raised there, else undefined. Set
   * with {@link withRemoteTraceback}, which also puts them in `stack` as text.
   */
  declare remoteTraceback?: string[];

  constructor(message = "", options?: PyroErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  /** The Pyro4 class path of this error's class. */
  get pyroName(): string {
    return (this.constructor as typeof PyroError).pyroName;
  }
}

/** Base class of network communication problems. */
export class CommunicationError extends PyroError {
  static override readonly pyroName: string = "Pyro4.errors.CommunicationError";
}

/** The connection was closed, usually by the other side, or while a call was in flight. */
export class ConnectionClosedError extends CommunicationError {
  static override readonly pyroName: string = "Pyro4.errors.ConnectionClosedError";
}

/** A call did not complete within its timeout. Shadows the global `TimeoutError` on purpose. */
export class TimeoutError extends CommunicationError {
  static override readonly pyroName: string = "Pyro4.errors.TimeoutError";
}

/** The peer sent bytes that do not follow Pyro4 protocol 48. */
export class ProtocolError extends CommunicationError {
  static override readonly pyroName: string = "Pyro4.errors.ProtocolError";
}

/** A message is larger than the configured `MAX_MESSAGE_SIZE`. */
export class MessageTooLargeError extends ProtocolError {
  static override readonly pyroName: string = "Pyro4.errors.MessageTooLargeError";
}

/** A value could not be serialized or deserialized. */
export class SerializeError extends ProtocolError {
  static override readonly pyroName: string = "Pyro4.errors.SerializeError";
}

/** A name server problem: unknown name, name server not found, invalid name or URI. */
export class NamingError extends PyroError {
  static override readonly pyroName: string = "Pyro4.errors.NamingError";
}

/** A daemon problem: unknown object, registration conflicts. */
export class DaemonError extends PyroError {
  static override readonly pyroName: string = "Pyro4.errors.DaemonError";
}

/** Access was refused: private or unexposed members, refused classes, HMAC and TLS failures. */
export class SecurityError extends PyroError {
  static override readonly pyroName: string = "Pyro4.errors.SecurityError";
}

/** Every Pyro error class by its wire name. */
export const pyroErrorClasses: ReadonlyMap<string, typeof PyroError> = new Map(
  [
    PyroError,
    CommunicationError,
    ConnectionClosedError,
    TimeoutError,
    ProtocolError,
    MessageTooLargeError,
    SerializeError,
    NamingError,
    DaemonError,
    SecurityError,
  ].map((cls) => [cls.pyroName, cls]),
);

/** What describes an exception on the wire (Pyro4's exception class dict, minus `__class__`). */
export interface RemoteErrorDetails {
  /** Remote class path, e.g. `builtins.ValueError`. */
  type: string;
  /** The exception's args (Python `exc.args`). */
  args: unknown[];
  /** Instance attributes sent along, without `_pyroTraceback`. */
  attributes: Record<string, unknown>;
  /** Traceback lines from the remote side, each ending in a newline. */
  traceback: string[];
}

/**
 * An exception raised by remote code that has no pyrots class of its own, e.g. a Python
 * `ValueError` (type `builtins.ValueError`) or a JS `RangeError` thrown in a pyrots daemon.
 */
export class RemoteError extends PyroError {
  static override readonly pyroName: string = "builtins.Exception";
  /** The remote class path, e.g. `builtins.ValueError`. */
  readonly remoteType: string;
  /** The remote exception's args. */
  readonly args: unknown[];
  /** Instance attributes of the remote exception (custom fields). */
  readonly attributes: Record<string, unknown>;

  constructor(details: RemoteErrorDetails, options?: PyroErrorOptions) {
    super(messageFromArgs(details.args), options);
    this.remoteType = details.type;
    this.args = details.args;
    this.attributes = details.attributes;
    withRemoteTraceback(this, details.traceback);
  }

  override get pyroName(): string {
    return this.remoteType;
  }

  /** The bare class name, e.g. `ValueError` for `builtins.ValueError`. */
  get remoteName(): string {
    return this.remoteType.slice(this.remoteType.lastIndexOf(".") + 1);
  }

  override toString(): string {
    return `${this.remoteName}: ${this.message}`;
  }
}

/**
 * Gives an error that arrived from a peer its remote traceback: as `remoteTraceback` (lines, not
 * shown again by `console.log`) and as text in `stack`, in place of the local frames, which are
 * only pyrots' own decoding code. The line that made the call is added to `stack` later, on the
 * caller's side (see the proxy's caller stacks).
 */
export function withRemoteTraceback<E extends PyroError>(error: E, lines: readonly string[]): E {
  Object.defineProperty(error, "remoteTraceback", { value: [...lines], enumerable: false, writable: true, configurable: true });
  const head = `${error.name}: ${error.message}`;
  if (lines.length === 0) {
    error.stack = head;
    return error;
  }
  const text = lines
    .join("")
    .trimEnd()
    .split("\n")
    .map((line) => `    | ${line}`)
    .join("\n");
  error.stack = `${head}\n    Remote traceback (${error.pyroName}):\n${text}`;
  return error;
}

/**
 * Throw this from an exposed method to raise a named Python exception on the caller's side:
 * `throw new PythonError("builtins.ValueError", "bad value")` reaches a Python client as a
 * `ValueError("bad value")` and a pyrots client as a {@link RemoteError} of that type.
 */
export class PythonError extends Error {
  /** The Python class path to send, e.g. `builtins.KeyError`. */
  readonly pythonType: string;
  /** The exception's args as sent; defaults to the message alone. */
  readonly args: unknown[];

  constructor(pythonType: string, ...args: unknown[]) {
    super(messageFromArgs(args));
    this.name = pythonType.slice(pythonType.lastIndexOf(".") + 1);
    this.pythonType = pythonType;
    this.args = args;
  }
}

/**
 * Python's `str(exc)`: the single arg, or the tuple of args, or the empty string. Args may come
 * from a peer, so they are made text with {@link untrustedText} only.
 */
export function messageFromArgs(args: readonly unknown[]): string {
  if (args.length === 0) return "";
  if (args.length === 1) return untrustedText(args[0]);
  return `(${args.map((arg) => itemText(arg)).join(", ")})`;
}

/** Array items shown by {@link untrustedText} before it writes `...`. */
const TEXT_ITEMS = 32;
/** Nested arrays shown by {@link untrustedText} before it writes `[...]`. */
const TEXT_DEPTH = 4;

/**
 * Text for a value that may have come from a peer, made without calling anything on it (a
 * decoded value may be a proxy whose every property is a remote call): strings as they are, other
 * primitives as `String` gives them, arrays item by item (strings quoted, bounded), and any other
 * object as `<object>`.
 */
export function untrustedText(value: unknown, depth = 0): string {
  if (typeof value === "string") return value;
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return String(value);
  if (!Array.isArray(value)) return `<${typeof value}>`;
  if (depth >= TEXT_DEPTH) return "[...]";
  const items: string[] = [];
  for (let i = 0; i < value.length && i < TEXT_ITEMS; i++) items.push(itemText(value[i], depth + 1));
  if (value.length > TEXT_ITEMS) items.push("...");
  return `[${items.join(", ")}]`;
}

function itemText(value: unknown, depth = 0): string {
  return typeof value === "string" ? `'${value}'` : untrustedText(value, depth);
}

/** The Python builtin each JS built-in error travels as, so Python clients can catch it. */
export const jsErrorToPythonName: ReadonlyMap<string, string> = new Map([
  ["Error", "builtins.Exception"],
  ["TypeError", "builtins.TypeError"],
  ["RangeError", "builtins.ValueError"],
  ["SyntaxError", "builtins.SyntaxError"],
  ["ReferenceError", "builtins.NameError"],
  ["URIError", "builtins.ValueError"],
  ["EvalError", "builtins.RuntimeError"],
  ["AggregateError", "builtins.Exception"],
]);

/** The wire class name for any thrown value. */
export function pythonNameOf(error: unknown): string {
  if (error instanceof PyroError) return error.pyroName;
  if (error instanceof PythonError) return error.pythonType;
  if (error instanceof Error) {
    for (let proto = Object.getPrototypeOf(error); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      const mapped = jsErrorToPythonName.get(proto.constructor?.name);
      if (mapped) return mapped;
    }
  }
  return "builtins.Exception";
}
