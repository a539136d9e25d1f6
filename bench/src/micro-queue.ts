/**
 * Micro-benchmark of a proxy connection's call queue, run by hand:
 *
 *   npm run -s build && node bench/dist/micro-queue.js [--rounds 5] [--baseline DIR]
 *
 * A Pyro4 daemon takes one call at a time per connection, so calls made at once wait in the
 * connection's queue. This queues 1,000 to 300,000 calls behind a window of one, gives up on
 * every tenth while it waits (as timeouts do), then answers and sends them one by one, and prints
 * the best round's ns per call: the cost should stay flat as the queue grows. `--baseline DIR`
 * names the `dist` folder of another build of @pyrots/core (copied below the repository, as for
 * micro-encode) to time beside this one.
 */
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as current from "@pyrots/core/internal";

type Build = Pick<typeof current, "CallsInFlight" | "PendingCall">;

const { values: options } = parseArgs({ options: { rounds: { type: "string", default: "5" }, baseline: { type: "string" } } });
const ROUNDS = Number(options.rounds);
const baseline: Build | undefined = options.baseline ? ((await import(pathToFileURL(resolve(options.baseline, "internal.js")).href)) as Build) : undefined;
const FRAME = Buffer.alloc(8);

/** ns per call to queue `count` calls, give up on a tenth of them and send the rest one at a time. */
function round(build: Build, count: number): number {
  const calls = new build.CallsInFlight();
  const all = Array.from({ length: count }, () => new build.PendingCall(FRAME, false, "m"));
  const start = process.hrtime.bigint();
  let seq = calls.addSent(all[0]!);
  for (let i = 1; i < count; i++) calls.queue(all[i]!);
  for (let i = 1; i < count; i += 10) calls.abandon(all[i]!);
  for (;;) {
    calls.takeAnswered(seq);
    const next = calls.takeQueued();
    if (next === undefined) break;
    seq = calls.addSent(next);
  }
  return Number(process.hrtime.bigint() - start) / count;
}

const builds: [string, Build][] = baseline
  ? [
      ["before", baseline],
      ["this build", current],
    ]
  : [["this build", current]];
console.log(`call queue behind a window of one: ns per call, best of ${ROUNDS} rounds, Node ${process.version}`);
console.log(["queued calls", ...builds.map(([name]) => name)].join("\t"));
for (const count of [1_000, 10_000, 100_000, 300_000]) {
  const best = builds.map(() => Infinity);
  for (let r = 0; r < ROUNDS; r++) builds.forEach(([, build], i) => (best[i] = Math.min(best[i]!, round(build, count))));
  console.log([count.toLocaleString("en"), ...best.map((ns) => ns.toFixed(0))].join("\t"));
}
