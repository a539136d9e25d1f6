/**
 * Pyro5's class dicts (Pyro5 5.x), as a {@link PyroDialect}:
 *
 * | `__class__`                      | JS value                                  | differs from Pyro4 in     |
 * | -------------------------------- | ----------------------------------------- | ------------------------- |
 * | `Pyro5.core.URI`                 | {@link URI} (same 5-element state)        | the name                  |
 * | `Pyro5.client.Proxy`             | {@link ProxyRef} with `protocol` 502      | name, and a 6-element state `(uri text, oneway, methods, attrs, handshake, serializer)` (no timeout, HMAC key or retries) |
 * | `Pyro5.server.Daemon`            | {@link DaemonPlaceholder}                 | the name                  |
 * | `Pyro5.core._ExceptionWrapper`   | {@link ExceptionWrapper}                  | the name (`Pyro4.futures.` in Pyro4) |
 * | `Pyro5.errors.X`                 | the matching class of `errors.ts`         | the prefix                |
 * | other names with `__exception__` | {@link RemoteError}                       | —                         |
 *
 * A Pyro4 class name arriving on a Pyro5 connection is refused, as Pyro5 refuses it.
 */
import { SerializeError } from "../errors.js";
import type { URI } from "../uri.js";
import { CLASS_KEY, dictToClass, exceptionToDict } from "./classes.js";
import type { PyroDialect } from "./dialect.js";
import type { DecodeContext } from "./types.js";
import { type ClassDict, DaemonPlaceholder, type ExceptionWrapper, ProxyRef } from "./values.js";

const PYRO4_ERRORS = "Pyro4.errors.";
const PYRO5_ERRORS = "Pyro5.errors.";

/** Pyro5's names for the Pyro4 classes `classes.ts` decodes (the proxy, whose state differs, aside). */
const TO_PYRO4_NAME: ReadonlyMap<string, string> = new Map([
  ["Pyro5.core.URI", "Pyro4.core.URI"],
  ["Pyro5.server.Daemon", "Pyro4.core.Daemon"],
  ["Pyro5.core._ExceptionWrapper", "Pyro4.futures._ExceptionWrapper"],
]);

/** An exception dict with Pyro5's name for pyrots' own (Pyro) errors. */
function pyro5ExceptionDict(error: unknown, includeTraceback: boolean): ClassDict {
  const dict: ClassDict = { ...exceptionToDict(error, includeTraceback) };
  if (dict.__class__.startsWith(PYRO4_ERRORS)) dict.__class__ = PYRO5_ERRORS + dict.__class__.slice(PYRO4_ERRORS.length);
  return dict;
}

function objectDict(value: URI | ProxyRef | DaemonPlaceholder): ClassDict {
  if (value instanceof ProxyRef) return { __class__: "Pyro5.client.Proxy", state: value.pyro5State() };
  if (value instanceof DaemonPlaceholder) return { __class__: "Pyro5.server.Daemon", state: [] };
  return { __class__: "Pyro5.core.URI", state: value.toJSON().state };
}

function reviveClassDict(record: Record<string, unknown>, context: DecodeContext): unknown {
  const name = record[CLASS_KEY];
  if (typeof name === "string") {
    if (name === "Pyro5.client.Proxy") {
      const ref = ProxyRef.fromPyro5State(record.state);
      return context.reviveProxy ? context.reviveProxy(ref) : ref;
    }
    const pyro4Name = TO_PYRO4_NAME.get(name) ?? (name.startsWith(PYRO5_ERRORS) ? PYRO4_ERRORS + name.slice(PYRO5_ERRORS.length) : undefined);
    if (pyro4Name !== undefined) return dictToClass({ ...record, [CLASS_KEY]: pyro4Name }, context);
    if (name.startsWith("Pyro4.") && !name.includes("__")) throw new SerializeError("unsupported serialized class: " + name);
  }
  return dictToClass(record, context);
}

/** Pyro5 5.x class names. */
export const PYRO5_DIALECT: PyroDialect = Object.freeze({
  name: "Pyro5",
  objectDict,
  exceptionDict: pyro5ExceptionDict,
  exceptionWrapperDict: (wrapper: ExceptionWrapper): ClassDict => ({
    __class__: "Pyro5.core._ExceptionWrapper",
    exception: pyro5ExceptionDict(wrapper.error, wrapper.includeTraceback),
  }),
  reviveClassDict,
});
