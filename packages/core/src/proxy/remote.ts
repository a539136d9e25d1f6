/**
 * The static face of a proxy: `Remote<T>` maps an interface to what calling it remotely gives.
 *
 * - methods return Promises (a method already returning a Promise is not wrapped twice);
 * - methods returning iterators, generators or (async) iterables give an `AsyncIterable`
 *   (remote iterators), while arrays and strings stay plain values;
 * - properties become awaitable reads (`await proxy.region`); set them with `setAttr`.
 */

/** What a remote method call gives for a local return type `R`. */
export type RemoteResult<R> = R extends string | readonly unknown[] | Uint8Array
  ? Promise<R>
  : R extends AsyncIterable<infer I> | Iterable<infer I> | Iterator<infer I> | AsyncIterator<infer I>
    ? R extends PromiseLike<unknown>
      ? Promise<Awaited<R>>
      : AsyncIterable<I>
    : Promise<Awaited<R>>;

/** A remote object with interface `T`; disposing it closes its connection. */
export type Remote<T> = RemoteMembers<T> & AsyncDisposable;

/** The members of {@link Remote}. */
export type RemoteMembers<T> = {
  readonly [K in keyof T as K extends `__${string}__` ? K : K extends `_${string}` ? never : K]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => RemoteResult<R>
    : Promise<Awaited<T[K]>>;
};
