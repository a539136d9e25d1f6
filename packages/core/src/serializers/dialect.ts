/**
 * The Pyro-version-specific part of every serializer: which class dicts stand for which objects.
 *
 * Pyro4 and Pyro5 encode values alike (serpent, json and msgpack payloads look the same), but name
 * their classes differently (`Pyro4.core.URI` / `Pyro5.core.URI`, `Pyro4.core.Proxy` /
 * `Pyro5.client.Proxy`, `Pyro4.errors.X` / `Pyro5.errors.X`, …), and a proxy's state differs. Each
 * serializer is made for one {@link PyroDialect}: {@link PYRO4_DIALECT} here, maps Pyro4's names
 * onto `classes.ts`; `pyro5-dialect.ts` has Pyro5's.
 */
import { CLASS_KEY, dictToClass, exceptionToDict } from "./classes.js";
import type { DecodeContext } from "./types.js";
import type { ClassDict, DaemonPlaceholder, ExceptionWrapper, ProxyRef } from "./values.js";
import type { URI } from "../uri.js";

/** How one Pyro version's class dicts map to pyrots values, both ways. */
export interface PyroDialect {
  /** `"Pyro4"` or `"Pyro5"`. */
  readonly name: string;
  /** The class dict for a URI, proxy reference or daemon placeholder travelling by value. */
  objectDict(value: URI | ProxyRef | DaemonPlaceholder): ClassDict;
  /** The exception dict for a thrown value (with `_pyroTraceback` lines when asked). */
  exceptionDict(error: unknown, includeTraceback: boolean): ClassDict;
  /** The class dict for an exception delivered as a value (batch results). */
  exceptionWrapperDict(wrapper: ExceptionWrapper): ClassDict;
  /**
   * The value for a decoded dict with a `__class__` key, its members already decoded; throws
   * SerializeError/SecurityError for classes that must not be decoded.
   */
  reviveClassDict(record: Record<string, unknown>, context: DecodeContext): unknown;
}

/** Pyro4 4.x class names (`classes.ts` maps them). */
export const PYRO4_DIALECT: PyroDialect = Object.freeze({
  name: "Pyro4",
  objectDict: (value: URI | ProxyRef | DaemonPlaceholder): ClassDict => value.toJSON(),
  exceptionDict: (error: unknown, includeTraceback: boolean): ClassDict => ({ ...exceptionToDict(error, includeTraceback) }),
  exceptionWrapperDict: (wrapper: ExceptionWrapper): ClassDict => ({
    __class__: "Pyro4.futures._ExceptionWrapper",
    exception: exceptionToDict(wrapper.error, wrapper.includeTraceback),
  }),
  reviveClassDict: (record: Record<string, unknown>, context: DecodeContext): unknown => dictToClass(record, context),
});
