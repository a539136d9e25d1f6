/**
 * Chaining on a value that may or may not be a promise, so that the local storages keep answering
 * synchronously while a replicated storage answers with promises.
 */
import type { Awaitable } from "./storage/types.js";

/** `next(value)`, right away for a plain value, or once a promise fulfils. */
export function after<T, R>(value: Awaitable<T>, next: (value: T) => Awaitable<R>): Awaitable<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}
