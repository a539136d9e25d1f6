/**
 * A pool bench client. Two kinds of run:
 *
 * - `ab`: a plain proxy to the first URI and a pool proxy over the same single worker, both
 *   connected and warmed up, measured in alternating windows (plain, pool, plain, pool, ...) so
 *   that load from elsewhere on the machine falls on both alike; prints
 *   `RESULT {"plain": [...], "pool": [...], "plainCpu": [...], "poolCpu": [...]}`: calls/s, and
 *   this client's CPU time per call in µs (user + system), per window.
 * - `pool`: a pool over every URI; prints `RESULT {"rates": [...]}`.
 *
 * Calls are `add(i, 1)` or `work(µs)` with `inflight` of them going at once; every answer is checked.
 *
 *   node bench/dist/pool/client.js '{"uris":[...],"mode":"ab","method":"add","inflight":1,"warmupMs":1000,"windowMs":1000,"windows":5}'
 */
import { Proxy, pool } from "@pyrots/core";

interface ClientConfig {
  uris: string[];
  mode: "ab" | "pool";
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
const micros = config.micros ?? 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps `inflight` calls going on `target` for `ms`; resolves with calls/s and this process's CPU µs per call. */
async function measure(target: BenchApi, ms: number): Promise<{ rate: number; cpu: number }> {
  let completed = 0;
  let stop = false;
  const lane = async (start: number) => {
    for (let i = start; !stop; i += config.inflight) {
      if (config.method === "add") {
        if ((await target.add(i, 1)) !== i + 1) throw new Error(`wrong answer for add(${i}, 1)`);
      } else if ((await target.work(micros)) !== micros) throw new Error(`wrong answer for work(${micros})`);
      completed++;
    }
  };
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const lanes = Promise.all(Array.from({ length: config.inflight }, (_, i) => lane(i)));
  await sleep(ms);
  stop = true;
  await lanes;
  const cpu = process.cpuUsage(cpuBefore);
  return { rate: (completed * 1000) / (performance.now() - started), cpu: (cpu.user + cpu.system) / Math.max(1, completed) };
}

if (config.mode === "ab") {
  const plain = new Proxy<BenchApi>(config.uris[0]!, { env: {} });
  const pooled = pool<BenchApi>({ uris: [config.uris[0]!] }, { env: {}, strategy: "round-robin" });
  await measure(plain, config.warmupMs / 2);
  await measure(pooled, config.warmupMs / 2);
  const result = { plain: [] as number[], pool: [] as number[], plainCpu: [] as number[], poolCpu: [] as number[] };
  // Twice as many, half as long windows: pairs close together in time.
  for (let w = 0; w < config.windows * 2; w++) {
    const a = await measure(plain, config.windowMs / 2);
    const b = await measure(pooled, config.windowMs / 2);
    result.plain.push(a.rate);
    result.pool.push(b.rate);
    result.plainCpu.push(a.cpu);
    result.poolCpu.push(b.cpu);
  }
  await plain[Symbol.asyncDispose]();
  await pooled[Symbol.asyncDispose]();
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
} else {
  const pooled = pool<BenchApi>({ uris: config.uris }, { env: {}, strategy: config.uris.length > 1 ? "least-in-flight" : "round-robin" });
  await measure(pooled, config.warmupMs);
  const rates: number[] = [];
  for (let w = 0; w < config.windows; w++) rates.push((await measure(pooled, config.windowMs)).rate);
  await pooled[Symbol.asyncDispose]();
  process.stdout.write(`RESULT ${JSON.stringify({ rates })}\n`);
}
