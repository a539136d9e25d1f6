/**
 * A scale probe for the etcd name service (not a test; run by hand, bounded by its arguments):
 *
 *   node test/dist/etcd/scale-probe.js NAMES REPLICAS
 *
 * starts a 3-member etcd cluster on loopback ports, writes NAMES registrations through one storage
 * (64 in flight), starts REPLICAS `pyro-ns` processes on it (each loading every name), prints their
 * start time and memory, then how long one write takes to be visible on every replica.
 */
import { readFileSync } from "node:fs";
import { EtcdStorage } from "@pyrots/nameserver";
import { startEtcdCluster } from "../support/etcd-cluster.js";
import { type NsProcess, nsProxy, startNsProcess } from "../support/ns-process.js";

const names = Number(process.argv[2] ?? 20_000);
const replicaCount = Number(process.argv[3] ?? 4);
if (!(names > 0 && names <= 1_000_000 && replicaCount > 0 && replicaCount <= 16)) {
  console.error("usage: scale-probe.js NAMES (1..1000000) REPLICAS (1..16)");
  process.exit(2);
}

await using cluster = await startEtcdCluster();
const spec = `etcd:${cluster.endpoints}/scale`;
const writer = new EtcdStorage({ endpoints: cluster.endpoints.split(","), prefix: "scale" });
await writer.start();
let started = Date.now();
let next = 0;
await Promise.all(
  Array.from({ length: 64 }, async () => {
    while (next < names) {
      const i = next++;
      await writer.set(`svc.${i}`, { uri: `PYRO:o${i}@10.0.${i % 250}.${i % 200}:${1000 + (i % 60_000)}`, metadata: [`team:${i % 50}`] });
    }
  }),
);
const writeMs = Date.now() - started;
console.log(`wrote ${names} names in ${writeMs} ms (${Math.round(names / (writeMs / 1000))}/s through one storage, 64 in flight)`);

const replicas: NsProcess[] = [];
try {
  started = Date.now();
  for (let r = 0; r < replicaCount; r++) replicas.push(await startNsProcess(spec));
  console.log(`${replicaCount} replicas started one after another, each loading ${names} names: ${Date.now() - started} ms in all`);
  const rss = replicas.map((r) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${r.pid}/status`, "utf8"))![1]) / 1024);
  console.log(`replica RSS: ${rss.map((x) => x.toFixed(0)).join(", ")} MiB`);

  const proxies = replicas.map((r) => nsProxy(r.uri));
  const latencies: number[] = [];
  for (let k = 0; k < 50; k++) {
    const begin = performance.now();
    await writer.set(`fan.${k}`, { uri: `PYRO:f${k}@127.0.0.1:1`, metadata: [] });
    await Promise.all(
      proxies.map(async (proxy) => {
        const deadline = Date.now() + 10_000;
        for (;;) {
          try {
            return await proxy.lookup(`fan.${k}`);
          } catch (error) {
            if (Date.now() > deadline) throw error;
            await new Promise((resolve) => setTimeout(resolve, 1));
          }
        }
      }),
    );
    latencies.push(performance.now() - begin);
  }
  latencies.sort((a, b) => a - b);
  console.log(`a write visible on all ${replicaCount} replicas: p50 ${latencies[25]!.toFixed(1)} ms, max ${latencies[49]!.toFixed(1)} ms (50 writes)`);
  for (const proxy of proxies) await proxy[Symbol.asyncDispose]();
} finally {
  for (const replica of replicas) await replica.stop();
  writer.close();
}
