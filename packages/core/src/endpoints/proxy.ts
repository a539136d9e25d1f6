/**
 * The public `Proxy` constructor: the proxy layer's face, wired to the name server client so that
 * `PYRONAME:` and `PYROMETA:` URIs resolve. With the `pool` option it makes a pool proxy over every
 * worker the URI selects (see `pool.ts`).
 *
 * ```ts
 * const worker = new Proxy<WorkerApi>("PYRONAME:MyWorker");
 * const rate = await worker.getRate("EURUSD");
 * ```
 */
import { resolveName } from "../naming/resolve.js";
import type { ProxyOptions } from "../proxy/options.js";
import { type ProxyTarget, createProxy, proxyPrototype, proxyTargetOf } from "../proxy/proxy.js";
import type { Remote } from "../proxy/remote.js";
import { proxySettings } from "../proxy/settings.js";
import { ProxyRef } from "../serializers/values.js";
import { type PoolSettings, pool } from "./pool.js";

/** Options of the public `Proxy` constructor: a proxy's, plus `pool` to make a pool proxy. */
export interface PublicProxyOptions extends ProxyOptions {
  /**
   * Make a pool proxy: `PYRONAME:prefix` selects every name starting with `prefix`, `PYROMETA:tags`
   * every object with the tags; calls go to one of them each (see docs/fleets.md).
   */
  pool?: PoolSettings;
}

/** The type of {@link Proxy}: callable with or without `new`, as Pyro users write `Pyro4.Proxy(uri)`. */
export interface ProxyConstructor {
  /**
   * Creates a proxy for the object at `uri` (`PYRO:`, `PYRONAME:` or `PYROMETA:`, a `URI`, or a
   * reference from `daemon.proxyFor`). Nothing connects until the first call.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  new <T = any>(uri: ProxyTarget, options?: PublicProxyOptions): Remote<T>;
  /** The same as with `new`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  <T = any>(uri: ProxyTarget, options?: PublicProxyOptions): Remote<T>;
  readonly prototype: object;
}

function makeProxy(target: ProxyTarget, options: PublicProxyOptions = {}): object {
  if (options.pool !== undefined) {
    if (target instanceof ProxyRef) throw new TypeError("a pool proxy is made from a PYRONAME: prefix or PYROMETA: tags, not from a proxy reference");
    const { pool: poolOptions, ...proxyOptions } = options;
    return pool(target, { ...proxyOptions, ...poolOptions });
  }
  return createProxy(proxyTargetOf(target), proxySettings(options, resolveName));
}
// Faces are made from this prototype, so `proxy instanceof Proxy` holds.
makeProxy.prototype = proxyPrototype;

/** Remote object proxy; see the proxy layer's documentation (`proxy/proxy.ts`). */
export const Proxy = makeProxy as unknown as ProxyConstructor;
