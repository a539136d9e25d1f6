/**
 * The mergesort client: finds every worker by name prefix, sends each a part of the numbers,
 * merges the sorted parts, checks the result against a local sort, and prints both times.
 *
 *     node examples/distributed-mergesort/dist/client.js [--count N] [--ns-host H] [--ns-port P]
 */
import { parseArgs } from "node:util";
import { Proxy, bind, locateNS } from "@pyrots/core";
import { isMain, runMain, table } from "@pyrots/example-support";
import { type SorterApi, WORKER_PREFIX, ascending, mergeSorted, split } from "./sorter.js";

/** Options of {@link runClient}. */
export interface ClientOptions {
  nsHost?: string;
  nsPort?: number;
  /** How many random integers to sort (default 1,000,000). */
  count?: number;
  print?: (line: string) => void;
}

/** Runs the distributed sort once; returns both times in seconds. */
export async function runClient(options: ClientOptions = {}): Promise<{ distributed: number; local: number }> {
  const print = options.print ?? console.log;
  const count = options.count ?? 1_000_000;
  const names = await findWorkers(options.nsHost, options.nsPort);
  const workers = names.map(([name, uri]) => ({ name, proxy: new Proxy<SorterApi>(uri) }));
  try {
    // Connect first so the timing below measures sorting and data transfer, not connection setup.
    await Promise.all(workers.map((w) => bind(w.proxy)));
    print(`Found ${workers.length} workers under ${WORKER_PREFIX}*`);
    const numbers = Array.from({ length: count }, () => Math.floor(Math.random() * 1_000_000_000));
    print(`Sorting ${count.toLocaleString("en-US")} random integers`);

    let started = performance.now();
    const parts = split(numbers, workers.length);
    const roundTrips: number[] = [];
    const sorted = await Promise.all(
      parts.map(async (part, i) => {
        const t0 = performance.now();
        const result = await workers[i]!.proxy.sort(part);
        roundTrips[i] = performance.now() - t0;
        return result;
      }),
    );
    const merged = mergeSorted(sorted);
    const distributed = (performance.now() - started) / 1000;

    started = performance.now();
    const reference = [...numbers].sort(ascending);
    const local = (performance.now() - started) / 1000;

    const rows = workers.map((w, i) => [w.name, parts[i]!.length.toLocaleString("en-US"), `${Math.round(roundTrips[i]!)} ms`]);
    for (const line of table(["worker", "numbers", "send + sort + reply"], rows)) print(`  ${line}`);
    const same = merged.length === reference.length && merged.every((n, i) => n === reference[i]);
    if (!same) throw new Error("the merged result differs from the local sort");
    print(`Result checked: identical to the local sort (${merged.length.toLocaleString("en-US")} numbers).`);
    print(`Distributed: ${distributed.toFixed(2)} seconds (split, ${workers.length} remote sorts in parallel, merge)`);
    print(`Local:       ${local.toFixed(2)} seconds (one sort in this process)`);
    if (distributed > local) print("(Here, sending the numbers costs about as much as sorting them; the more work per item, the more the workers gain.)");
    return { distributed, local };
  } finally {
    for (const w of workers) await w.proxy[Symbol.asyncDispose]();
  }
}

/** `[name, uri]` of every registered worker, by name. */
async function findWorkers(nsHost: string | undefined, nsPort: number | undefined): Promise<[string, string][]> {
  await using ns = await locateNS({ host: nsHost, port: nsPort });
  const found = Object.entries(await ns.list(WORKER_PREFIX)).sort(([a], [b]) => a.localeCompare(b));
  if (found.length === 0)
    throw new Error(`no workers registered under ${WORKER_PREFIX}* — start some with: node examples/distributed-mergesort/dist/worker.js --index 1`);
  return found;
}

if (isMain(import.meta.url)) {
  runMain(async () => {
    const { values } = parseArgs({ options: { count: { type: "string" }, "ns-host": { type: "string" }, "ns-port": { type: "string" } } });
    await runClient({
      count: values.count === undefined ? undefined : Number(values.count),
      nsHost: values["ns-host"],
      nsPort: values["ns-port"] === undefined ? undefined : Number(values["ns-port"]),
    });
  });
}
