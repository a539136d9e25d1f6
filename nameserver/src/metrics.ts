/**
 * Name server metrics, added to a `PrometheusMetrics` (from `@pyrots/observability`) by
 * `startNameServer({ metrics })` besides the daemon metrics of the name server's own daemon:
 *
 * | metric                                          | type    | labels             | meaning                                              |
 * | ----------------------------------------------- | ------- | ------------------ | ---------------------------------------------------- |
 * | `pyrots_nameserver_names`                       | gauge   |                    | names registered (the name server's own included)   |
 * | `pyrots_nameserver_leased_names`                | gauge   |                    | names bound to a lease                               |
 * | `pyrots_nameserver_leases`                      | gauge   |                    | leases that hold at least one name                   |
 * | `pyrots_nameserver_lookups_total`               | counter | result             | `lookup` calls: `found`, `unknown` (no such name), `error` |
 * | `pyrots_nameserver_registrations_total`         | counter | result             | `register` calls: `ok`, `error` (refused)            |
 * | `pyrots_nameserver_removals_total`              | counter | result             | `remove` calls: `ok`, `error`                        |
 * | `pyrots_nameserver_lease_operations_total`      | counter | operation, result  | `lease_grant`, `lease_keepalive`, `lease_revoke`: `ok`, `error` |
 * | `pyrots_nameserver_storage_state`               | gauge   | storage, state     | 1 for the storage's health state (`ok`, `degraded`, `stale`), 0 for the others |
 * | `pyrots_nameserver_storage_age_seconds`         | gauge   | storage            | how old the storage's copy may be (etcd; 0 for local storages) |
 *
 * The gauges are read from the storage at each scrape (the lease gauges with a pass over its entries).
 */
import { type CallWatch, type Instrument, NamingError, type ServedCall } from "@pyrots/core";
import type { PrometheusMetrics } from "@pyrots/observability/prometheus";
import { NAMESERVER_NAME } from "./nameserver.js";
import type { NameStorage } from "./storage/types.js";

const HEALTH_STATES = ["ok", "degraded", "stale"] as const;
const LEASE_OPERATIONS = new Set(["lease_grant", "lease_keepalive", "lease_revoke"]);

/** The name server's metrics: an instrument for its daemon, and the storage gauges; `stop()` takes the gauges away. */
export interface NameServerMetrics {
  readonly instrument: Instrument;
  stop(): void;
}

/** Adds the name server metrics for `storage` to `metrics`. */
export function nameServerMetrics(metrics: PrometheusMetrics, storage: NameStorage): NameServerMetrics {
  const lookups = metrics.counter("pyrots_nameserver_lookups_total", "lookup calls, by result (found, unknown, error)", ["result"]);
  const registrations = metrics.counter("pyrots_nameserver_registrations_total", "register calls, by result (ok, error)", ["result"]);
  const removals = metrics.counter("pyrots_nameserver_removals_total", "remove calls, by result (ok, error)", ["result"]);
  const leaseOperations = metrics.counter("pyrots_nameserver_lease_operations_total", "Lease calls, by operation and result", ["operation", "result"]);
  const count = (call: ServedCall, error: unknown, failed: boolean): void => {
    const result = failed ? "error" : "ok";
    if (call.method === "lookup") lookups.inc({ result: failed ? (error instanceof NamingError ? "unknown" : "error") : "found" });
    else if (call.method === "register") registrations.inc({ result });
    else if (call.method === "remove") removals.inc({ result });
    else if (LEASE_OPERATIONS.has(call.method)) leaseOperations.inc({ operation: call.method, result });
  };
  const instrument: Instrument = {
    serving(call: ServedCall): CallWatch | undefined {
      if (call.objectId !== NAMESERVER_NAME) return undefined;
      return { succeeded: () => count(call, undefined, false), failed: (error) => count(call, error, true) };
    },
  };
  const removers = [
    metrics.readGauge("pyrots_nameserver_names", "Names registered", [], (record) => record({}, storage.count())),
    ...leaseGauges(metrics, storage),
    metrics.readGauge("pyrots_nameserver_storage_state", "1 for the storage's health state, 0 for the others", ["storage", "state"], (record) => {
      const health = storage.health();
      for (const state of HEALTH_STATES) record({ storage: health.storage, state }, health.state === state ? 1 : 0);
    }),
    metrics.readGauge("pyrots_nameserver_storage_age_seconds", "Seconds since the storage's copy was last confirmed current", ["storage"], (record) => {
      const health = storage.health();
      record({ storage: health.storage }, health.age);
    }),
  ];
  return { instrument, stop: () => removers.forEach((remove) => remove()) };
}

/** The leased-names and leases gauges, each read with a pass over the registrations at each scrape. */
function leaseGauges(metrics: PrometheusMetrics, storage: NameStorage): (() => void)[] {
  const count = () => {
    const leases = new Set<string>();
    let names = 0;
    for (const registration of storage.list().values()) {
      if (registration.lease === undefined) continue;
      names++;
      leases.add(registration.lease);
    }
    return { names, leases: leases.size };
  };
  return [
    metrics.readGauge("pyrots_nameserver_leased_names", "Names bound to a lease", [], (record) => record({}, count().names)),
    metrics.readGauge("pyrots_nameserver_leases", "Leases that hold at least one name", [], (record) => record({}, count().leases)),
  ];
}
