/**
 * The producer: spreads tasks over every worker registered under `example.pool.worker.` through
 * one pool proxy (least calls in flight first), checks every result, and reports per-worker
 * counts, retries, and that each task finished exactly once.
 *
 *     node examples/worker-pool/dist/producer.js [--tasks N] [--concurrency C] [--ns-host H] [--ns-port P]
 */
import { parseArgs } from "node:util";
import { type PoolEvent, pool, poolStats } from "@pyrots/core";
import { isMain, runMain, table } from "@pyrots/example-support";
import { type TaskResult, type TaskWorkerApi, WORKER_PREFIX, digestOf, makeTask } from "./tasks.js";

/** Something to do when a number of tasks have finished (the demo kills and drains workers). */
export interface Milestone {
  readonly done: number;
  /** Does it, and says what it did. */
  run(): Promise<string>;
}

/** Options of {@link runProducer}. */
export interface ProducerOptions {
  tasks?: number;
  /** Tasks in flight at once (default 32). */
  concurrency?: number;
  nsHost?: string;
  nsPort?: number;
  milestones?: readonly Milestone[];
  print?: (line: string) => void;
}

/** What a run found. */
export interface ProducerReport {
  readonly finished: number;
  readonly failed: number;
  readonly lost: number;
  readonly duplicates: number;
  readonly wrong: number;
  readonly retries: number;
  readonly perWorker: ReadonlyMap<string, number>;
  readonly seconds: number;
}

/** Runs the tasks through a pool proxy and prints the report. */
export async function runProducer(options: ProducerOptions = {}): Promise<ProducerReport> {
  const print = options.print ?? console.log;
  const total = options.tasks ?? 10_000;
  const concurrency = options.concurrency ?? 32;
  const where = options.nsHost ? `@${options.nsHost}${options.nsPort ? `:${options.nsPort}` : ""}` : "";
  const notes: string[] = [];
  const onEvent = (event: PoolEvent) => {
    if (event.type === "left" || event.type === "draining" || event.type === "breaker-open") notes.push(`${event.type} ${event.worker}`);
  };
  await using workers = pool<TaskWorkerApi>(`PYRONAME:${WORKER_PREFIX}${where}`, { strategy: "least-in-flight", timeout: 30, onEvent });
  const results = new Map<number, TaskResult>();
  let duplicates = 0;
  let failed = 0;
  let wrong = 0;
  let next = 0;
  let done = 0;
  const pending = [...(options.milestones ?? [])].sort((a, b) => a.done - b.done);
  const side: Promise<void>[] = [];
  print(`Producing ${total.toLocaleString("en-US")} tasks through one pool proxy over ${WORKER_PREFIX}* (least calls in flight first; tasks are @idempotent)`);
  const started = performance.now();
  const lane = async () => {
    while (next < total) {
      const task = makeTask(next++);
      try {
        const result = await workers.run(task);
        if (results.has(result.id)) duplicates++;
        else results.set(result.id, result);
        if (result.id !== task.id || result.digest !== digestOf(task)) wrong++;
      } catch (error) {
        failed++;
        print(`  task ${task.id} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      done++;
      while (pending.length > 0 && done >= pending[0]!.done) {
        const milestone = pending.shift()!;
        side.push(milestone.run().then((what) => print(`  at ${milestone.done.toLocaleString("en-US")} done: ${what}`)));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  await Promise.all(side);
  const seconds = (performance.now() - started) / 1000;

  const perWorker = new Map<string, number>();
  for (const result of results.values()) perWorker.set(result.worker, (perWorker.get(result.worker) ?? 0) + 1);
  const stats = poolStats(workers);
  const rows = [...perWorker.keys()].sort().map((name) => {
    const now = stats.workers.find((w) => w.name === name);
    return [name, perWorker.get(name)!.toLocaleString("en-US"), now ? now.state : "gone from the name server"];
  });
  for (const line of table(["worker", "results", "state at the end"], rows)) print(`  ${line}`);
  if (notes.length > 0) print(`  pool saw: ${[...new Set(notes)].join(", ")}`);
  const lost = total - results.size - failed;
  const count = (n: number) => n.toLocaleString("en-US");
  print(
    `Tasks: ${count(total)} sent, ${count(results.size)} finished, ${count(failed)} failed, ${count(lost)} lost, ${count(duplicates)} duplicates, ${count(wrong)} wrong results` +
      (results.size === total && failed === 0 && duplicates === 0 && wrong === 0 ? " (every task finished exactly once)" : ""),
  );
  print(`Retries: ${count(stats.retries)} (calls sent again to another worker: never sent, refused while draining, or lost with a dead worker)`);
  print(`Time: ${seconds.toFixed(2)} s (${count(Math.round(total / seconds))} tasks/s)`);
  return { finished: results.size, failed, lost, duplicates, wrong, retries: stats.retries, perWorker, seconds };
}

if (isMain(import.meta.url)) {
  runMain(async () => {
    const { values } = parseArgs({
      options: { tasks: { type: "string" }, concurrency: { type: "string" }, "ns-host": { type: "string" }, "ns-port": { type: "string" } },
    });
    const report = await runProducer({
      tasks: values.tasks === undefined ? undefined : Number(values.tasks),
      concurrency: values.concurrency === undefined ? undefined : Number(values.concurrency),
      nsHost: values["ns-host"],
      nsPort: values["ns-port"] === undefined ? undefined : Number(values["ns-port"]),
    });
    if (report.failed + report.lost + report.duplicates + report.wrong > 0) process.exitCode = 1;
  });
}
