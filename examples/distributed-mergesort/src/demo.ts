/**
 * The distributed mergesort in one command: a name server (`pyro-ns` in a child process, on
 * 127.0.0.1, never broadcasting), one worker process per CPU core, the client; then it stops what
 * it started and exits. The name server has a process of its own: the client's local sort keeps
 * this process busy for seconds, and the workers' lease keepalives must still be answered.
 *
 *     node examples/distributed-mergesort/dist/demo.js [--workers N] [--count N]
 */
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { type StartedChild, runMain, startNodeChild } from "@pyrots/example-support";
import { runClient } from "./client.js";

runMain(async () => {
  const { values } = parseArgs({
    options: { workers: { type: "string", default: String(availableParallelism()) }, count: { type: "string", default: "1000000" } },
  });
  const nsScript = new URL("./bin/ns.js", import.meta.resolve("@pyrots/nameserver"));
  const ns = await startNodeChild(nsScript, ["-n", "127.0.0.1", "-p", "0", "-x", "--no-mdns"], /^URI = (PYRO:\S+:(\d+))$/, () => undefined);
  const nsPort = ns.ready[2]!;
  console.log(`name server ${ns.ready[1]} (child process ${ns.child.pid})`);
  const workers: StartedChild[] = [];
  try {
    const script = new URL("./worker.js", import.meta.url);
    const starting = Array.from({ length: Number(values.workers) }, (_, i) =>
      startNodeChild(script, ["--index", String(i + 1), "--ns-host", "127.0.0.1", "--ns-port", nsPort], /ready: (\S+) -> (\S+)/, () => undefined),
    );
    // Keep every worker that did start, so the finally block stops them even if one failed.
    const settled = await Promise.allSettled(starting);
    for (const s of settled) if (s.status === "fulfilled") workers.push(s.value);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
    for (const w of workers) console.log(`worker      ${w.ready[1]} -> ${w.ready[2]} (child process ${w.child.pid})`);
    console.log("");
    await runClient({ nsHost: "127.0.0.1", nsPort: Number(nsPort), count: Number(values.count) });
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await ns.stop();
  }
  console.log("\nDone: workers stopped, name server closed.");
});
