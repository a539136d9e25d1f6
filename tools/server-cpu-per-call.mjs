#!/usr/bin/env node
/**
 * The daemon's CPU time per call, read from /proc/<pid>/stat (user + system time) of a target
 * daemon in a child process: a figure that stays comparable on a loaded machine, where calls per
 * second do not. Run after `npm run build`:
 *
 *   node tools/server-cpu-per-call.mjs        prints µs of daemon CPU per call for three workloads
 *   node tools/server-cpu-per-call.mjs --observe    the same with the daemon's metrics and tracing on
 *                                                   (Prometheus and OpenTelemetry instruments, SDK registered);
 *                                                   --observe=metrics or --observe=tracing for one of them
 *
 * (a) sequential calls, (c) 64 calls in flight on one proxy, (g) batches of 100 — as in the bench.
 * The clock ticks in 10 ms steps, so each workload runs long enough to make that negligible.
 */
import { readFileSync } from "node:fs";
import { Proxy, batch, runBatch } from "../packages/core/dist/index.js";
import { startTargetDaemon } from "../test/dist/support/children.js";

const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process so far. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

const flag = process.argv.find((arg) => arg === "--observe" || arg.startsWith("--observe="));
const observe = flag === undefined ? undefined : flag === "--observe" ? true : flag.slice("--observe=".length);
const daemon = await startTargetDaemon(observe === undefined ? {} : { observe }, { exposeGc: false });
const proxy = new Proxy(daemon.uri);
try {
  await proxy.add(1, 2);
  const workloads = {
    "(a) sequential add": [
      60_000,
      async (n) => {
        for (let i = 0; i < n; i++) await proxy.add(i, 1);
      },
    ],
    "(c) 64 in flight, 1 proxy": [
      400_000,
      async (n) => {
        let next = 0;
        await Promise.all(
          Array.from({ length: 64 }, async () => {
            while (next < n) await proxy.add(next++, 1);
          }),
        );
      },
    ],
    "(g) batches of 100": [
      600_000,
      async (n) => {
        for (let i = 0; i < n; i += 100) {
          const b = batch(proxy);
          for (let j = 0; j < 100; j++) b.add(j, 1);
          await runBatch(b);
        }
      },
    ],
  };
  for (const [name, [calls, run]] of Object.entries(workloads)) {
    await run(2000);
    const before = cpuSeconds(daemon.pid);
    await run(calls);
    const micros = ((cpuSeconds(daemon.pid) - before) * 1e6) / calls;
    process.stdout.write(`${name.padEnd(28)} ${micros.toFixed(2)} µs of daemon CPU per call\n`);
  }
} finally {
  await proxy[Symbol.asyncDispose]();
  await daemon.stop();
}
