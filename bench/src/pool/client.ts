/**
 * A pool bench client: calls `add(i, 1)` or `work(µs)` through a plain proxy to the first URI, or
 * a pool proxy over all of them, keeping `inflight` calls going; after a warm-up it counts
 * completed calls in `windows` windows of `windowMs` and prints `RESULT {"rates": [...]}` (calls/s
 * per window). Every answer is checked.
 *
 *   node bench/dist/pool/client.js '{"uris":[...],"mode":"pool","method":"add","inflight":1,"warmupMs":1000,"windowMs":1000,"windows":5}'
 */
import { Proxy, pool } from "@pyrots/core";

interface ClientConfig {
  uris: string[];
  mode: "plain" | "pool";
  method: "add" | "work";
  /** For `work`: µs of CPU per call. */
  micros?: number;
  inflight: number;
  warmupMs: number;
  windowMs: number;
  windows: number;
}

interface BenchApi {
  add(a: number, b: number): Promise<number>;
  work(micros: number): Promise<number>;
}

const config = JSON.parse(process.argv[2]!) as ClientConfig;
const target =
  config.mode === "plain"
    ? new Proxy<BenchApi>(config.uris[0]!, { env: {} })
    : pool<BenchApi>({ uris: config.uris }, { env: {}, strategy: config.uris.length > 1 ? "least-in-flight" : "round-robin" });
const micros = config.micros ?? 200;
let completed = 0;
let stop = false;
let failure: unknown;
const lane = async (start: number) => {
  for (let i = start; !stop; i += config.inflight) {
    if (config.method === "add") {
      if ((await target.add(i, 1)) !== i + 1) throw new Error(`wrong answer for add(${i}, 1)`);
    } else if ((await target.work(micros)) !== micros) throw new Error(`wrong answer for work(${micros})`);
    completed++;
  }
};
const lanes = Array.from({ length: config.inflight }, (_, i) => lane(i).catch((error: unknown) => (failure ??= error)));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
await sleep(config.warmupMs);
const rates: number[] = [];
for (let w = 0; w < config.windows && failure === undefined; w++) {
  const [before, started] = [completed, performance.now()];
  await sleep(config.windowMs);
  rates.push(((completed - before) * 1000) / (performance.now() - started));
}
stop = true;
await Promise.all(lanes);
await target[Symbol.asyncDispose]();
if (failure !== undefined) {
  process.stderr.write(`${failure instanceof Error ? failure.stack : String(failure)}\n`);
  process.exit(1);
}
process.stdout.write(`RESULT ${JSON.stringify({ rates })}\n`);
