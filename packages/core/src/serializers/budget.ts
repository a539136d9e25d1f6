/**
 * What decoding one payload may spend, shared by the msgpack and json decoders: the payload's
 * size, the nesting depth and the cost (estimated JS heap bytes) of the values it builds, all
 * from the receiver's {@link DecodeLimits}.
 *
 * | decoded value                       | cost (bytes, measured on Node 20 x64)        |
 * | ----------------------------------- | -------------------------------------------- |
 * | array of n                          | {@link ARRAY_COST} + n × {@link SLOT_COST}   |
 * | map of n                            | {@link MAP_COST} + n × {@link ENTRY_COST}    |
 * | string of n bytes (not a cached key)| {@link STRING_COST} + n                      |
 * | bin (a view of the payload)         | {@link BIN_COST}                             |
 * | bigint                              | {@link BIGINT_COST}                          |
 * | ext value                           | {@link EXT_COSTS} by type, + its data bytes  |
 *
 * Numbers, booleans and nil live in their container's slots and cost nothing more. The figures
 * follow `node --expose-gc bench/dist/decode-heap.js`, which prints the heap taken per payload
 * byte beside this estimate.
 */
import { SerializeError } from "../errors.js";
import type { DecodeLimits } from "./types.js";

/** An array (JSArray and its elements store's header). */
export const ARRAY_COST = 48;
/** Each array element or map value slot. */
export const SLOT_COST = 8;
/** An empty object. */
export const MAP_COST = 56;
/** Each own property of a decoded map, beside its slot (its share of the hidden class or dictionary). */
export const ENTRY_COST = 16;
/** A string's header; its characters come on top. */
export const STRING_COST = 24;
/** A Buffer view over part of the payload. */
export const BIN_COST = 96;
/** A bigint of up to 64 bits. */
export const BIGINT_COST = 32;
/** The JS values of Pyro4's ext types (Complex, bigint, Date, PyDate), by ext type. */
export const EXT_COSTS: Readonly<Record<number, number>> = Object.freeze({ 0x30: 80, 0x31: 32, 0x32: 136, 0x33: 56 });

/**
 * Python refuses to convert integers of more than 4300 digits to or from text (`sys.int_info`),
 * so no Pyro peer sends longer ones; BigInt parsing is quadratic in the digits, so we refuse them too.
 */
export const MAX_INTEGER_DIGITS = 4300;

/** The cost budget of a payload of `length` bytes: `expansion` times the length, at least `minBudget`, at most `maxCost`. */
export function costBudget(length: number, limits: DecodeLimits): number {
  const budget = Math.max(limits.minBudget, limits.expansion * length);
  return limits.maxCost > 0 ? Math.min(budget, limits.maxCost) : budget;
}

/** Refuses a payload longer than `limits.maxBytes` before anything is decoded. */
export function checkPayloadSize(length: number, limits: DecodeLimits, format: string): void {
  if (limits.maxBytes > 0 && length > limits.maxBytes) {
    throw new SerializeError(`${format} payload of ${length} bytes exceeds the decode limit of ${limits.maxBytes} bytes`);
  }
}

/** The error for a payload whose values would cost more than `budget`. */
export function overBudget(format: string, length: number, budget: number): SerializeError {
  return new SerializeError(
    `${format} payload of ${length} bytes would decode to values of more than ${budget} bytes (the receiver's decode limit for it); ` +
      "send fewer or larger items, or raise the receiver's decode limits",
  );
}

/** The error for nesting deeper than `maxDepth`. */
export function tooDeep(format: string, maxDepth: number): SerializeError {
  return new SerializeError(`${format} data nested deeper than ${maxDepth} levels (the receiver's decode limit)`);
}
