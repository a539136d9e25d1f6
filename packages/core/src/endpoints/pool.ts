/**
 * `pool()`: one typed proxy over a fleet of workers.
 *
 * ```ts
 * const workers = pool<WorkerApi>("PYRONAME:worker.");          // every name starting with "worker."
 * const tagged = pool<WorkerApi>("PYROMETA:fleet:render");       // every object with these tags
 * const fixed = pool<WorkerApi>({ uris: [uriA, uriB] });          // a fixed list
 * const sharded = pool<CacheApi>("PYRONAME:cache.", { shardKey: 0 });
 * const result = await workers.process(task);                     // one worker, chosen per call
 * await workers[Symbol.asyncDispose]();
 * ```
 *
 * `new Proxy(uri, { pool: {...} })` makes the same. The workers come from the name server named in
 * the URI (`@host:port`), else the configured ones (`NS_HOST`, replicas included), and are kept
 * current with the name server's `watch`. See docs/fleets.md.
 */
import { NamingError } from "../errors.js";
import { NameServiceClient } from "../naming/replicas.js";
import { resolveName } from "../naming/resolve.js";
import type { ProxyOptions } from "../proxy/options.js";
import { createCore, createFace, engineOf } from "../proxy/proxy.js";
import type { Remote } from "../proxy/remote.js";
import { proxySettings } from "../proxy/settings.js";
import { URI } from "../uri.js";
import { systemClock } from "../fleet/clock.js";
import { type MembershipSource, NameServerMembership, StaticMembership } from "../fleet/membership.js";
import { POOL_SETTING_KEYS, type PoolOptions, type PoolSettings, resolvePoolSettings } from "../fleet/options.js";
import { PoolEngine, type PoolStats } from "../fleet/pool.js";

export type { PoolOptions, PoolSettings } from "../fleet/options.js";

/** Seconds a pool's membership watch waits for a name server to accept its connection. */
const NAME_SERVER_CONNECT_SECONDS = 2;
export type { PoolStats } from "../fleet/pool.js";
export type { WorkerStats } from "../fleet/member.js";
export type { PoolEvent } from "../fleet/events.js";

/**
 * What a pool stands for: `PYRONAME:prefix` (every name starting with `prefix`), `PYROMETA:tags`
 * (every object with all the tags), either with `@host:port` for one name server; or the same as
 * an object, or a fixed list of worker URIs.
 */
export type PoolTarget = string | URI | { readonly prefix: string } | { readonly metadata: readonly string[] } | { readonly uris: readonly (string | URI)[] };

/** Makes a pool proxy: calls go to one of the workers `target` selects, chosen per call (see the module documentation). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function pool<T = any>(target: PoolTarget, options: PoolOptions = {}): Remote<T> {
  const proxyOptions: Record<string, unknown> = {};
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) (POOL_SETTING_KEYS.has(key) ? own : proxyOptions)[key] = value;
  const settings = proxySettings(proxyOptions as ProxyOptions, resolveName);
  const resolved = resolvePoolSettings(own as PoolSettings, settings.timeout);
  const clock = options.clock ?? systemClock;
  const { uri, membership } = membershipFor(target, settings, resolved.watchWait, resolved.refresh, clock);
  const engine = new PoolEngine({ uri, settings, pool: resolved, membership, createCore, clock, random: options.random ?? Math.random });
  return createFace(engine) as Remote<T>;
}

/** The state of a pool proxy: its workers (breaker, calls, latency), retries and failed calls. TypeError for a proxy that is not a pool. */
export function poolStats(proxy: object): PoolStats {
  const engine = engineOf(proxy);
  if (!(engine instanceof PoolEngine)) throw new TypeError("poolStats needs a pool proxy (made with pool() or new Proxy(uri, { pool: {...} }))");
  return engine.stats();
}

function membershipFor(
  target: PoolTarget,
  settings: ReturnType<typeof proxySettings>,
  watchWait: number,
  refresh: number,
  clock: typeof systemClock,
): { uri: URI; membership: MembershipSource } {
  if (typeof target === "object" && !(target instanceof URI) && "uris" in target) {
    const uris = target.uris.map((u) => (typeof u === "string" ? URI.parse(u) : u));
    if (uris.length === 0 || uris.some((u) => u.protocol !== "PYRO")) throw new TypeError("a pool's uris must be one or more PYRO: URIs");
    return { uri: uris[0]!, membership: new StaticMembership(uris) };
  }
  let uri: URI;
  if (typeof target === "string") uri = URI.parse(target);
  else if (target instanceof URI) uri = target;
  else if ("prefix" in target) uri = new URI({ protocol: "PYRONAME", object: target.prefix });
  else uri = new URI({ protocol: "PYROMETA", metadata: target.metadata });
  if (uri.protocol === "PYRO") return { uri, membership: new StaticMembership([uri]) };
  if (uri.protocol === "PYRONAME" && uri.object === "") throw new NamingError("a pool's PYRONAME: needs a name prefix (PYRONAME:worker.)");
  const host = uri.sockname !== undefined ? `./u:${uri.sockname}` : uri.host;
  // Background: the watch's long polls must not keep a finished program alive. Its calls carry their
  // own timeouts; the settings' timeout bounds each connect, so that a replica that hangs costs
  // seconds before the next is tried. Its long polls are not the application's calls: no tracing.
  const connectTimeout = settings.timeout > 0 ? Math.min(settings.timeout, NAME_SERVER_CONNECT_SECONDS) : NAME_SERVER_CONNECT_SECONDS;
  const client = new NameServiceClient({ ...settings, background: true, timeout: connectTimeout, instrument: undefined }, { host, port: uri.port });
  const filter = uri.protocol === "PYRONAME" ? { prefix: uri.object } : { metadataAll: uri.metadata };
  return { uri, membership: new NameServerMembership(client, filter, { watchWait, refresh, clock }) };
}
