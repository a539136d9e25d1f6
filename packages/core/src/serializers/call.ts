/**
 * Validation of decoded INVOKE payloads, shared by the serializers.
 */
import { SerializeError } from "../errors.js";
import type { CallRequest } from "./types.js";

/**
 * The keyword arguments of a call that has none, shared by the calls that proxies make: the
 * msgpack encoder knows it on sight (msgpack-direct.ts).
 */
export const NO_KWARGS: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** Validates a decoded `[object, method, args, kwargs]` call. */
export function checkCall(value: unknown): CallRequest {
  if (!Array.isArray(value) || value.length !== 4) {
    throw new SerializeError(`invalid call payload: expected a 4-element array [object, method, args, kwargs], got ${describeValue(value)}`);
  }
  const [object, method, args, kwargs] = value as unknown[];
  return checkCallFields(object, method, args, kwargs);
}

/** Validates the four parts of a decoded call and returns them as a {@link CallRequest}. */
export function checkCallFields(object: unknown, method: unknown, args: unknown, kwargs: unknown): CallRequest {
  if (typeof object !== "string") throw new SerializeError(`invalid call payload: object id must be a string, got ${describeValue(object)}`);
  if (typeof method !== "string") throw new SerializeError(`invalid call payload: method name must be a string, got ${describeValue(method)}`);
  if (!Array.isArray(args)) throw new SerializeError(`invalid call payload: args must be an array, got ${describeValue(args)}`);
  if (kwargs !== null && !isPlainObject(kwargs)) throw new SerializeError(`invalid call payload: kwargs must be a map or nil, got ${describeValue(kwargs)}`);
  return { object, method, args, kwargs: kwargs as Record<string, unknown> | null };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * A short description of a decoded value's type for error messages, made from `typeof` and
 * `Array.isArray` alone: the value may be a proxy, whose every property is a remote call.
 */
export function describeValue(value: unknown): string {
  if (value === null) return "nil";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return "an object";
  return typeof value;
}
