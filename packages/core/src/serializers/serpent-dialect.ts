/**
 * The Pyro-version-specific part of serpent: which class dicts stand for which objects.
 *
 * Pyro4 and Pyro5 both speak serpent, with the same text format and the same serializer id (1),
 * but name their classes differently (`Pyro4.core.URI` / `Pyro5.core.URI`, `Pyro4.core.Proxy` /
 * `Pyro5.client.Proxy`, `Pyro4.errors.X` / `Pyro5.errors.X`, …). The serpent encoder and decoder
 * take a {@link SerpentDialect}; {@link PYRO4_DIALECT} maps Pyro4's names onto `classes.ts`.
 *
 * Serpent itself adds one class dict of its own, in both dialects: a float NaN is written as
 * `{'__class__': 'float', 'value': 'nan'}`, because Python has no literal for it.
 */
import { SerializeError } from "../errors.js";
import type { URI } from "../uri.js";
import { CLASS_KEY, dictToClass, exceptionToDict } from "./classes.js";
import type { DecodeContext } from "./types.js";
import { type ClassDict, type DaemonPlaceholder, type ExceptionWrapper, ProxyRef } from "./values.js";

/** How one Pyro version's class dicts map to pyrots values, both ways. */
export interface SerpentDialect {
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
export const PYRO4_DIALECT: SerpentDialect = Object.freeze({
  objectDict: (value: URI | ProxyRef | DaemonPlaceholder): ClassDict => value.toJSON(),
  exceptionDict: (error: unknown, includeTraceback: boolean): ClassDict => ({ ...exceptionToDict(error, includeTraceback) }),
  exceptionWrapperDict: (wrapper: ExceptionWrapper): ClassDict => ({
    __class__: "Pyro4.futures._ExceptionWrapper",
    exception: exceptionToDict(wrapper.error, wrapper.includeTraceback),
  }),
  reviveClassDict(record: Record<string, unknown>, context: DecodeContext): unknown {
    const name = record[CLASS_KEY];
    if (name === "float") return floatFromDict(record);
    listsInState(record);
    if (name === "Pyro4.core.Proxy" && context.reviveProxy) return context.reviveProxy(ProxyRef.fromState(record.state));
    return dictToClass(record, context);
  },
});

/**
 * Pyro's state tuples may hold Python sets (a PYROMETA URI's tags, a proxy's member names), which
 * serpent writes as set literals and pyrots decodes as Sets; `classes.ts` reads them as arrays.
 */
function listsInState(record: Record<string, unknown>): void {
  const state = record.state;
  if (!Array.isArray(state)) return;
  for (let i = 0; i < state.length; i++) if (state[i] instanceof Set) state[i] = [...(state[i] as Set<unknown>)];
}

const FLOAT_WORDS: ReadonlyMap<string, number> = new Map([
  ["nan", NaN],
  ["inf", Infinity],
  ["infinity", Infinity],
]);
const FLOAT_TEXT = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;

/** Serpent's `{'__class__': 'float', 'value': 'nan'}`: the value as Python's `float()` reads it. */
export function floatFromDict(record: Record<string, unknown>): number {
  const value = record.value;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value !== "string" || value.length > 400) throw new SerializeError("invalid serpent float dict: 'value' must be the text of a float, like 'nan'");
  const text = value.trim();
  const sign = text.startsWith("-") ? -1 : 1;
  const word = FLOAT_WORDS.get(text.replace(/^[+-]/, "").toLowerCase());
  if (word !== undefined) return sign * word;
  if (!FLOAT_TEXT.test(text)) throw new SerializeError(`invalid serpent float dict: '${text.slice(0, 40)}' is not a float`);
  return Number(text.replaceAll("_", ""));
}
