/**
 * pyro-ns's log of storage health: one line each time the state changes (an etcd replica losing or
 * regaining its cluster), so that an operator or a supervisor's log shows it.
 */
import type { NameStorage } from "../storage/types.js";

/** Checks `storage.health()` every `intervalMs` and reports changes of state; returns a stop function. */
export function reportHealthChanges(storage: NameStorage, report: (line: string) => void, intervalMs = 1000): () => void {
  let last = storage.health().state;
  const timer = setInterval(() => {
    const health = storage.health();
    if (health.state === last) return;
    last = health.state;
    report(`pyro-ns: storage health ${health.state}${health.detail ? `: ${health.detail}` : ""}`);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
