/**
 * The mergesort client: one pool proxy over every worker under `example.mergesort.worker.`; the
 * numbers go out in chunks (several per worker, so that a faster worker takes more of them),
 * each worker sorts its chunks, and the client merges the sorted runs, checks the result against
 * a local sort of the same numbers, and prints both times.
 *
 *     node examples/distributed-mergesort/dist/client.js [--count N] [--chunks-per-worker K] [--ns-host H] [--ns-port P]
 */
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { bind, pool, poolStats } from "@pyrots/core";
import { isMain, runMain, table } from "@pyrots/example-support";
import { type SorterApi, type SortedRun, WORKER_PREFIX, mergeRuns, sortByStoppingTime, split } from "./sorter.js";

/** Options of {@link runClient}. */
export interface ClientOptions {
  nsHost?: string;
  nsPort?: number;
  /** How many random integers to sort (default 1,000,000). */
  count?: number;
  /** Chunks per worker (default 4). */
  chunksPerWorker?: number;
  print?: (line: string) => void;
}

/** Runs the distributed sort once; returns both times in seconds. */
export async function runClient(options: ClientOptions = {}): Promise<{ distributed: number; local: number }> {
  const print = options.print ?? console.log;
  const count = options.count ?? 1_000_000;
  const where = options.nsHost ? `@${options.nsHost}${options.nsPort ? `:${options.nsPort}` : ""}` : "";
  await using sorters = pool<SorterApi>(`PYRONAME:${WORKER_PREFIX}${where}`, { strategy: "least-in-flight" });
  // Connect first so that the timing below measures the sorting and the data moved, not the setup.
  await bind(sorters);
  const workers = poolStats(sorters).workers.length;
  print(`Found ${workers} workers under ${WORKER_PREFIX}* (one pool proxy, least calls in flight first)`);
  const numbers = Array.from({ length: count }, () => 1 + Math.floor(Math.random() * 1_000_000_000));
  print(`Sorting ${count.toLocaleString("en-US")} random integers by Collatz stopping time (about 100 steps of work per number)`);

  let started = performance.now();
  const chunks = split(numbers, workers * (options.chunksPerWorker ?? 4));
  const runs: SortedRun[] = await Promise.all(chunks.map((chunk) => sorters.sort(chunk)));
  const merged = mergeRuns(runs);
  const distributed = (performance.now() - started) / 1000;

  started = performance.now();
  const reference = sortByStoppingTime(numbers);
  const local = (performance.now() - started) / 1000;

  const stats = poolStats(sorters);
  const rows = stats.workers.map((w) => [w.name, `${w.calls} chunks`, `${Math.round(w.latencyMs ?? 0)} ms`]);
  for (const line of table(["worker", "sorted", "chunk latency (moving average)"], rows)) print(`  ${line}`);
  const same = merged.values.length === reference.values.length && merged.values.every((n, i) => n === reference.values[i]);
  if (!same) throw new Error("the merged result differs from the local sort");
  print(`Result checked: identical to the local sort (${merged.values.length.toLocaleString("en-US")} numbers).`);
  print(`Distributed: ${distributed.toFixed(2)} seconds (${chunks.length} chunks over ${workers} worker processes, then a ${chunks.length}-way merge)`);
  print(`Local:       ${local.toFixed(2)} seconds (one process)`);
  const [load] = loadavg();
  print(
    `Speed-up:    ${(local / distributed).toFixed(2)}x (${workers} workers; load average ${load!.toFixed(1)} on ${availableParallelism()} cores during the run)`,
  );
  return { distributed, local };
}

if (isMain(import.meta.url)) {
  runMain(async () => {
    const { values } = parseArgs({
      options: { count: { type: "string" }, "chunks-per-worker": { type: "string" }, "ns-host": { type: "string" }, "ns-port": { type: "string" } },
    });
    await runClient({
      count: values.count === undefined ? undefined : Number(values.count),
      chunksPerWorker: values["chunks-per-worker"] === undefined ? undefined : Number(values["chunks-per-worker"]),
      nsHost: values["ns-host"],
      nsPort: values["ns-port"] === undefined ? undefined : Number(values["ns-port"]),
    });
  });
}
