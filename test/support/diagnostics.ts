/**
 * What a process under attack reports about itself: whether any built-in prototype gained or lost
 * a key, its memory, and the daemon's connections, session instances, streams and active handles.
 */
import type { Daemon } from "@pyrots/core";

const PROTOTYPES: ReadonlyArray<[string, object]> = [
  ["Object", Object.prototype],
  ["Array", Array.prototype],
  ["Function", Function.prototype],
  ["String", String.prototype],
  ["Number", Number.prototype],
  ["Boolean", Boolean.prototype],
  ["Error", Error.prototype],
  ["Map", Map.prototype],
  ["Set", Set.prototype],
  ["Promise", Promise.prototype],
  ["Uint8Array", Uint8Array.prototype],
  ["Buffer", Buffer.prototype],
];

let snapshot: Map<string, Set<string | symbol>> | undefined;

/** Records the current keys of the built-in prototypes; call once at start-up. */
export function snapshotPrototypes(): void {
  snapshot = new Map(PROTOTYPES.map(([name, proto]) => [name, new Set(Reflect.ownKeys(proto))]));
}

/** `Name.key` for every key added to or removed from a built-in prototype since the snapshot. */
export function prototypesClean(): string[] {
  if (!snapshot) throw new Error("snapshotPrototypes() was not called");
  const findings: string[] = [];
  for (const [name, proto] of PROTOTYPES) {
    const before = snapshot.get(name)!;
    const now = new Set(Reflect.ownKeys(proto));
    for (const key of now) if (!before.has(key)) findings.push(`${name}.${String(key)} added`);
    for (const key of before) if (!now.has(key)) findings.push(`${name}.${String(key)} removed`);
  }
  if (Object.getPrototypeOf({}) !== Object.prototype) findings.push("{} has a foreign prototype");
  if (Object.getPrototypeOf(Object.prototype) !== null) findings.push("Object.prototype has a prototype");
  return findings;
}

/** Counts of `process.getActiveResourcesInfo()` by resource type, keys sorted. */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo().sort()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** Memory and daemon state, read through the daemon's internals. */
export function diagnostics(daemon: Daemon): Record<string, unknown> {
  const stats = daemon.stats;
  const memory = process.memoryUsage();
  return {
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    external: memory.external,
    connections: stats.connections,
    sessions: stats.sessions,
    inFlight: stats.callsInFlight,
    streams: stats.streams,
    resources: activeResources(),
  };
}
