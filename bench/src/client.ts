#!/usr/bin/env node
/**
 * A bench client process: `client.js --impl baseline|pyrots --workload a --port N --warmup MS
 * --window MS --windows N`. Runs one workload against a server already listening, then prints one
 * `RESULT {json}` line and exits; exits 1 with the reason on stderr if any result is wrong.
 */
import { parseArgs } from "node:util";
import type { ClientFactory } from "./adapter.js";
import { RESULT_PREFIX, WORKLOAD_IDS, type WorkloadId } from "./contract.js";
import { measure } from "./driver.js";
import { prepareJob } from "./jobs.js";

// Loaded on demand, so each client process holds only the implementation it measures.
const FACTORIES: Record<string, () => Promise<ClientFactory>> = {
  baseline: async () => (await import("./baseline/client.js")).connectBaseline,
  pyrots: async () => (await import("./pyrots/client.js")).connectPyrots,
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      impl: { type: "string" },
      workload: { type: "string" },
      port: { type: "string" },
      warmup: { type: "string", default: "1000" },
      window: { type: "string", default: "1000" },
      windows: { type: "string", default: "5" },
    },
  });
  const load = FACTORIES[values.impl ?? ""];
  const workload = values.workload as WorkloadId;
  if (!load || !WORKLOAD_IDS.includes(workload) || !values.port) throw new Error("usage: client.js --impl baseline|pyrots --workload a..h --port N");
  const timing = { warmupMs: Number(values.warmup), windowMs: Number(values.window), windows: Number(values.windows) };
  // A client that hangs must not hold up the run: it gives up well after its planned time.
  setTimeout(
    () => {
      console.error("client: out of time");
      process.exit(3);
    },
    timing.warmupMs + timing.windowMs * timing.windows + 30_000,
  ).unref();

  const prepared = await prepareJob(workload, await load(), Number(values.port));
  const result = await measure(prepared.job, timing);
  await prepared.finish();
  await Promise.all(prepared.clients.map((c) => c.close()));
  console.log(RESULT_PREFIX + JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
