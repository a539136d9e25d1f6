/**
 * What serpent adds to a dialect's class dicts (see `dialect.ts`): a float NaN is written as
 * `{'__class__': 'float', 'value': 'nan'}`, because Python has no literal for it, in both Pyro
 * versions; and Pyro's state tuples may hold Python sets (a PYROMETA URI's tags, a proxy's member
 * names), which serpent writes as set literals and pyrots decodes as Sets, where `classes.ts`
 * reads arrays.
 */
import { SerializeError } from "../errors.js";
import { CLASS_KEY } from "./classes.js";
import type { PyroDialect } from "./dialect.js";
import type { DecodeContext } from "./types.js";

export { PYRO4_DIALECT, type PyroDialect } from "./dialect.js";

/** The serpent class dict `record` as a value, in `dialect`. */
export function reviveSerpentDict(dialect: PyroDialect, record: Record<string, unknown>, context: DecodeContext): unknown {
  if (record[CLASS_KEY] === "float") return floatFromDict(record);
  listsInState(record);
  return dialect.reviveClassDict(record, context);
}

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
