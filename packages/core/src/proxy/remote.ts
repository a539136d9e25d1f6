/**
 * The static face of a proxy: `Remote<T>` maps an interface to what calling it remotely gives.
 *
 * - methods return Promises (a method already returning a Promise is not wrapped twice);
 * - methods returning iterators, generators or (async) iterables give an `AsyncIterable`
 *   (remote iterators), while arrays, strings, bytes, sets and maps stay plain values;
 * - properties become awaitable reads (`await proxy.region`); set them with `setAttr`.
 */

/**
 * What a remote method call gives for a local return type `R`. A method typed `never` (it always
 * throws) still gives a Promise, one that rejects; the tuple test keeps `never` from vanishing.
 */
export type RemoteResult<R> = [R] extends [never]
  ? Promise<never>
  : R extends string | readonly unknown[] | Uint8Array | ReadonlySet<unknown> | ReadonlyMap<unknown, unknown>
    ? Promise<R>
    : R extends AsyncIterable<infer I> | Iterable<infer I> | Iterator<infer I> | AsyncIterator<infer I>
      ? R extends PromiseLike<unknown>
        ? Promise<Awaited<R>>
        : AsyncIterable<I>
      : Promise<Awaited<R>>;

/**
 * A remote object with interface `T`; disposing it closes its connection. Without a type
 * (`new Proxy(uri)`, `T` = `any`) every member can be called and awaited ({@link UntypedMember}).
 */
export type Remote<T> = RemoteMembers<T> & LocalProxyMembers & AsyncDisposable;

/** What every proxy answers locally, whatever `T` declares. */
export interface LocalProxyMembers {
  /** `Pyro.Proxy(<uri>)`: what `String(proxy)` and `` `${proxy}` `` give. */
  toString(): string;
}

/** A member of an untyped proxy: call it (a remote method) or await it (a remote property). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type UntypedMember = ((...args: any[]) => Promise<any> & AsyncIterable<any>) & PromiseLike<any>;

/** True exactly for `any`. */
type IsAny<T> = 0 extends 1 & T ? true : false;

/** The members of {@link Remote}. */
export type RemoteMembers<T> = {
  readonly [K in keyof T as K extends `__${string}__` ? K : K extends `_${string}` ? never : K]: IsAny<T[K]> extends true
    ? UntypedMember
    : T[K] extends (...args: infer A) => infer R
      ? (...args: A) => RemoteResult<R>
      : Promise<Awaited<T[K]>>;
};
