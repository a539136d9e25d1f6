/**
 * The pyrots client: a `Proxy` on the bench object, or on the name server for workload h.
 */
import { Proxy, batch, runBatch, type NameServerApi } from "@pyrots/core";
import { NAMESERVER_NAME } from "@pyrots/core/internal";
import type { BenchClient } from "../adapter.js";

interface BenchApi {
  add(a: number, b: number): number;
  echo(data: Uint8Array): Uint8Array;
  notify(i: number): void;
  stats(): [number, number];
}

/** Opens a proxy on the bench object (or the name server) on 127.0.0.1:`port`, connected. */
export async function connectPyrots(port: number, target: "bench" | "ns"): Promise<BenchClient> {
  if (target === "ns") return connectNameServer(port);
  const proxy = new Proxy<BenchApi>(`PYRO:bench@127.0.0.1:${port}`);
  await proxy.stats();
  return {
    add: (a, b) => proxy.add(a, b),
    echo: (data) => proxy.echo(data),
    notify: (i) => void proxy.notify(i),
    stats: () => proxy.stats(),
    addBatch: async (start, n) => {
      const b = batch(proxy);
      for (let k = 0; k < n; k++) b.add(start + k, 1);
      return (await runBatch(b)) as number[];
    },
    register: unsupported,
    lookup: unsupported,
    close: async () => await proxy[Symbol.asyncDispose](),
  };
}

async function connectNameServer(port: number): Promise<BenchClient> {
  const ns = new Proxy<NameServerApi>(`PYRO:${NAMESERVER_NAME}@127.0.0.1:${port}`);
  await ns.ping();
  return {
    add: unsupported,
    echo: unsupported,
    notify: unsupported,
    stats: unsupported,
    addBatch: unsupported,
    register: async (name, uri) => await ns.register(name, uri),
    lookup: async (name) => String(await ns.lookup(name)),
    close: async () => await ns[Symbol.asyncDispose](),
  };
}

function unsupported(): never {
  throw new Error("not offered by this target");
}
