/**
 * A traced client process for the tracing suites (run with `--import otel-setup.js`): under a root
 * span `scenario` it calls a traced worker (see traced-worker.ts) with a callback object served by
 * its own traced daemon, sends a oneway call and makes one that fails, then prints `DONE` and exits
 * (writing its spans).
 *
 * Usage: `node --import otel-setup.js traced-client.js WORKER_URI`.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { trace } from "@opentelemetry/api";
import { Daemon, Proxy, expose } from "@pyrots/core";
import { openTelemetryTracing } from "@pyrots/observability";

const tracing = openTelemetryTracing();
const progress: number[] = [];

@expose
class Sink {
  progress(step: number): void {
    progress.push(step);
  }
}

interface WorkerApi {
  work(sink: unknown, steps: number): number;
  note(text: string): void;
  fail(): void;
}

const daemon = await Daemon.create({ host: "127.0.0.1", instruments: [tracing] });
daemon.register(new Sink(), "sink");
const worker = new Proxy<WorkerApi>(process.argv[2]!, { instruments: [tracing] });
await trace.getTracer("traced-client").startActiveSpan("scenario", async (span) => {
  const steps = await worker.work(daemon.proxyFor("sink"), 2);
  if (steps !== 2 || progress.join() !== "0,1") throw new Error(`unexpected: ${steps} steps, progress ${progress.join()}`);
  await worker.note("hello");
  await worker.fail().catch(() => undefined);
  span.end();
});
// The oneway call is sent; give the worker a moment to serve it before this process goes.
await sleep(200);
await worker[Symbol.asyncDispose]();
await daemon.shutdown();
process.stdout.write("DONE\n");
process.exit(0);
