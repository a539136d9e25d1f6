/**
 * Pyro4 class dicts: maps with a `__class__` key that stand for objects on the wire.
 *
 * | `__class__`                           | JS value                                |
 * | ------------------------------------- | --------------------------------------- |
 * | a name in the context's `classes`     | what the application's converter makes  |
 * | `Pyro4.core.URI`                      | {@link URI}                             |
 * | `Pyro4.core.Proxy`                    | {@link ProxyRef}                        |
 * | `Pyro4.core.Daemon`                   | {@link DaemonPlaceholder}               |
 * | `Pyro4.futures._ExceptionWrapper`     | {@link ExceptionWrapper}                |
 * | `Pyro4.errors.X` (X a Pyro error)     | the matching class of `errors.ts`       |
 * | any other name with `__exception__`   | {@link RemoteError}                     |
 * | a name containing `__`                | refused: SecurityError (as Pyro4)       |
 * | anything else                         | refused: SerializeError (as Pyro4)      |
 *
 * Decoders convert each map as soon as it is complete, bottom-up (like Python msgpack's
 * `object_hook`), so an exception wrapper or an exception's args already hold decoded values when
 * their own dict is converted. A proxy becomes what the receiver's `DecodeContext.reviveProxy`
 * makes of it. Nothing here converts a decoded value to text implicitly: a value may be a proxy.
 */
import { isAbsolute, relative } from "node:path";
import { fileURLToPath } from "node:url";
import {
  PyroError,
  PythonError,
  RemoteError,
  SecurityError,
  SerializeError,
  messageFromArgs,
  pyroErrorClasses,
  pythonNameOf,
  untrustedText,
  withRemoteTraceback,
} from "../errors.js";
import { URI } from "../uri.js";
import { describeValue } from "./call.js";
import { DEFAULT_DECODE_CONTEXT, type DecodeContext, type DictToClass } from "./types.js";
import { DaemonPlaceholder, ExceptionWrapper, ProxyRef } from "./values.js";

export {
  AUTOPROXY,
  type AutoproxyTarget,
  Complex,
  DaemonPlaceholder,
  ExceptionWrapper,
  ProxyRef,
  PyDate,
  type ClassDict,
  type ProxyRefFields,
} from "./values.js";

/** The key that marks a class dict. */
export const CLASS_KEY = "__class__";

/** Pyro4's exception dict. */
export interface ExceptionDict {
  __class__: string;
  __exception__: true;
  args: unknown[];
  attributes: Record<string, unknown>;
}

/**
 * Sets `record[key] = value` as an own data property. A plain assignment of `"__proto__"` would
 * replace the record's prototype instead; this keeps it an ordinary key, as Python has it.
 */
export function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

/**
 * Converts one class dict into its JS value; throws SecurityError/SerializeError as Pyro4 does.
 * A proxy becomes `context.reviveProxy(ref)` (without one: the inert reference itself).
 */
export function dictToClass(data: Record<string, unknown>, context: DecodeContext = DEFAULT_DECODE_CONTEXT): unknown {
  const name = data[CLASS_KEY];
  if (typeof name !== "string") {
    const shown = typeof name === "object" || typeof name === "function" ? describeValue(name) : untrustedText(name);
    throw new SerializeError(`unsupported serialized class: ${shown}`);
  }
  const converter = context.classes?.get(name);
  if (converter) return converter(data, name);
  if (name.includes("__")) throw new SecurityError("refused to deserialize types with double underscores in their name: " + name);
  switch (name) {
    case "Pyro4.core.URI":
      return URI.fromState(data.state);
    case "Pyro4.core.Proxy": {
      const ref = ProxyRef.fromState(data.state);
      return context.reviveProxy ? context.reviveProxy(ref) : ref;
    }
    case "Pyro4.core.Daemon":
      return new DaemonPlaceholder();
    case "Pyro4.futures._ExceptionWrapper": {
      const error = data.exception;
      if (!(error instanceof Error)) throw new SerializeError("invalid Pyro4.futures._ExceptionWrapper: no exception inside");
      return new ExceptionWrapper(error);
    }
  }
  if (name.startsWith("Pyro4.errors.")) {
    const cls = pyroErrorClasses.get(name);
    if (cls) return makePyroError(cls, data);
  } else if (data.__exception__ && !name.startsWith("Pyro4.")) {
    const { args, attributes, traceback } = exceptionParts(data);
    return new RemoteError({ type: name, args, attributes, traceback });
  }
  throw new SerializeError(`unsupported serialized class: ${name} (an application class: give a converter for it in the option dictToClass)`);
}

/** The `dictToClass` option of proxies and daemons as a map (undefined when empty); TypeError for a converter that is not a function. */
export function classConverters(record: Readonly<Record<string, DictToClass>> | undefined): ReadonlyMap<string, DictToClass> | undefined {
  if (!record) return undefined;
  const entries = Object.entries(record);
  for (const [name, converter] of entries) if (typeof converter !== "function") throw new TypeError(`dictToClass: the converter for ${name} is not a function`);
  return entries.length > 0 ? new Map(entries) : undefined;
}

function makePyroError(cls: typeof PyroError, data: Record<string, unknown>): PyroError {
  const { args, traceback } = exceptionParts(data);
  const error = new cls(messageFromArgs(args));
  if (traceback.length > 0) withRemoteTraceback(error, traceback);
  return error;
}

function exceptionParts(data: Record<string, unknown>): { args: unknown[]; attributes: Record<string, unknown>; traceback: string[] } {
  const args = Array.isArray(data.args) ? data.args : data.args === undefined || data.args === null ? [] : [data.args];
  const attributes: Record<string, unknown> = {};
  let traceback: string[] = [];
  const raw = data.attributes;
  if (raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
    for (const key of Object.keys(raw)) {
      const value = (raw as Record<string, unknown>)[key];
      if (key === "_pyroTraceback") {
        if (Array.isArray(value)) traceback = value.filter((line): line is string => typeof line === "string");
        else if (typeof value === "string") traceback = [value];
      } else {
        setOwn(attributes, key, value);
      }
    }
  }
  return { args, attributes, traceback };
}

/** Own properties of errors that are the error's own machinery, never custom attributes. */
const ERROR_INTERNALS: ReadonlySet<string> = new Set([
  "name",
  "message",
  "stack",
  "cause",
  "remoteTraceback",
  "remoteType",
  "args",
  "attributes",
  "pythonType",
]);

/**
 * Pyro4's exception dict for any thrown value, to send in an exception RESULT or inside a value.
 * `attributes` holds the error's custom own enumerable properties (encoders refuse those that
 * cannot be sent, as anywhere in a value) and `_pyroTraceback`: Python-style traceback lines
 * when `includeTraceback`, else null.
 */
export function exceptionToDict(error: unknown, includeTraceback: boolean): ExceptionDict {
  const attributes: Record<string, unknown> = {};
  let args: unknown[];
  if (error instanceof RemoteError || error instanceof PythonError) args = error.args;
  else if (error instanceof Error) args = [error.message];
  else args = [String(error)];
  if (error instanceof RemoteError) copyAttributes(error.attributes, attributes, undefined);
  if (error !== null && typeof error === "object") copyAttributes(error as Record<string, unknown>, attributes, ERROR_INTERNALS);
  const className = pythonNameOf(error);
  attributes._pyroTraceback = includeTraceback ? tracebackOf(error, className, args) : null;
  return { __class__: className, __exception__: true, args, attributes };
}

function copyAttributes(from: Record<string, unknown>, to: Record<string, unknown>, skip: ReadonlySet<string> | undefined): void {
  for (const key of Object.keys(from)) {
    if (skip?.has(key)) continue;
    setOwn(to, key, from[key]);
  }
}

/**
 * Python-style traceback lines for an error: a remote error's own lines when it has them, else
 * lines made from the JS stack, ending with `ShortName: message`. The frames are the
 * application's own (pyrots' and Node's internals left out, unless nothing else is there), with
 * paths relative to the working folder: a Python client sees where in the server's code the
 * error happened, not where pyrots is installed.
 */
export function tracebackOf(error: unknown, className = pythonNameOf(error), args?: readonly unknown[]): string[] {
  if (error instanceof PyroError && error.remoteTraceback && error.remoteTraceback.length > 0) return error.remoteTraceback;
  const lines = ["Traceback (most recent call last):\n"];
  const stack = error instanceof Error && typeof error.stack === "string" ? error.stack : "";
  const frames: { file: string; line: string; where: string; internal: boolean }[] = [];
  for (const text of stack.split("\n")) {
    const match = FRAME.exec(text);
    if (!match) continue;
    const location = match[2]!;
    if (location.startsWith("node:")) continue;
    const file = location.startsWith("file://") ? fileURLToPath(location) : location;
    frames.push({ file, line: match[3]!, where: match[1] ?? "<module>", internal: file.startsWith(PYROTS_ROOT) });
  }
  const shown = frames.some((frame) => !frame.internal) ? frames.filter((frame) => !frame.internal) : frames;
  // JS lists the innermost frame first; Python lists it last.
  for (let i = shown.length - 1; i >= 0; i--) {
    const frame = shown[i]!;
    lines.push(`  File "${isAbsolute(frame.file) ? relative(process.cwd(), frame.file) : frame.file}", line ${frame.line}, in ${frame.where}\n`);
  }
  const shortName = className.slice(className.lastIndexOf(".") + 1);
  const message = args ? messageFromArgs(args) : error instanceof Error ? error.message : String(error);
  lines.push(message ? `${shortName}: ${message}\n` : `${shortName}\n`);
  return lines;
}

const FRAME = /^\s+at (?:(?:async )?(.+?) \()?(.+?):(\d+):\d+\)?$/;

/** Where @pyrots/core's compiled files are (this file is in `dist/serializers/`): frames there are pyrots' own. */
const PYROTS_ROOT = fileURLToPath(new URL("../", import.meta.url));

/** `error` as is when it is a PyroError, else a SerializeError that says what failed and keeps the cause. */
export function asSerializeError(error: unknown, what: string): PyroError {
  if (error instanceof PyroError) return error;
  return new SerializeError(`${what}: ${error instanceof Error ? error.message : untrustedText(error)}`, { cause: error });
}
