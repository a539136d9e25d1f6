/**
 * The shard key of a call, for the `shard` strategy: calls with the same key go to the same worker
 * (while it is available), so that a worker's caches and local state serve related calls.
 *
 * | `shardKey` option | the key                                                                  |
 * | ----------------- | ------------------------------------------------------------------------ |
 * | a number `n`      | the call's argument at position `n`                                      |
 * | a string `name`   | the keyword argument `name` (`callWithKwargs`), else the property `name` of the first argument when that is a plain object |
 * | a function        | `(method, args, kwargs) => key`                                          |
 *
 * A key is a string, a number, a bigint or bytes; `undefined`/`null` means "no key" (the call goes
 * round, as with `round-robin`). Anything else is a TypeError, raised before the call is sent.
 */

/** Computes a call's shard key from its method name and arguments. */
export type ShardKeyFunction = (method: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>> | null) => unknown;

/** The `shardKey` pool option: an argument position, a keyword/property name, or a function. */
export type ShardKeyOption = number | string | ShardKeyFunction;

/** The text of the shard key `option` selects for a call; undefined when the call has none. */
export function shardKeyOf(
  option: ShardKeyOption,
  method: string,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>> | null,
): string | undefined {
  let value: unknown;
  if (typeof option === "number") value = args[option];
  else if (typeof option === "function") value = option(method, args, kwargs);
  else value = kwargs !== null && Object.hasOwn(kwargs, option) ? kwargs[option] : propertyOfFirst(args, option);
  return keyText(value);
}

function propertyOfFirst(args: readonly unknown[], name: string): unknown {
  const first = args[0];
  if (typeof first !== "object" || first === null) return undefined;
  const proto: unknown = Object.getPrototypeOf(first);
  if (proto !== Object.prototype && proto !== null) return undefined;
  return Object.hasOwn(first, name) ? (first as Record<string, unknown>)[name] : undefined;
}

function keyText(value: unknown): string | undefined {
  switch (typeof value) {
    case "undefined":
      return undefined;
    case "string":
      return value;
    case "number":
    case "bigint":
      return String(value);
    default:
      if (value === null) return undefined;
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex");
      throw new TypeError(`a shard key must be a string, a number, a bigint or bytes, got ${Array.isArray(value) ? "an array" : typeof value}`);
  }
}
