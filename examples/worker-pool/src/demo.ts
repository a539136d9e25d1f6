/**
 * The worker pool in one command: a name server (in this process, on 127.0.0.1, never
 * broadcasting), N worker processes, and the producer; a third of the way through one worker is
 * SIGKILLed, two thirds through another is drained (SIGTERM); then everything stops.
 *
 *     node examples/worker-pool/dist/demo.js [--workers N] [--tasks N] [--concurrency C]
 */
import { parseArgs } from "node:util";
import { startNameServer } from "@pyrots/nameserver";
import { type StartedChild, runMain, startNodeChild } from "@pyrots/example-support";
import { runProducer } from "./producer.js";

runMain(async () => {
  const { values } = parseArgs({
    options: { workers: { type: "string", default: "4" }, tasks: { type: "string", default: "10000" }, concurrency: { type: "string", default: "32" } },
  });
  const count = Number(values.workers);
  if (!(count >= 3)) throw new Error("--workers must be at least 3 (one is killed and one drained)");
  await using ns = await startNameServer({ host: "127.0.0.1", port: 0, broadcast: false, mdns: false });
  const nsPort = String(ns.uri.port);
  console.log(`name server  ${ns.uri}`);
  const workers: StartedChild[] = [];
  const exits: string[] = [];
  try {
    const script = new URL("./worker.js", import.meta.url);
    const echo = (line: string) => line.includes("stopped after") && exits.push(line);
    const settled = await Promise.allSettled(
      Array.from({ length: count }, (_, i) =>
        startNodeChild(script, ["--index", String(i + 1), "--ns-host", "127.0.0.1", "--ns-port", nsPort], /worker ready: (\S+) -> (\S+)/, echo),
      ),
    );
    for (const s of settled) if (s.status === "fulfilled") workers.push(s.value);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
    for (const w of workers) console.log(`worker       ${w.ready[1]} -> ${w.ready[2]} (child process ${w.child.pid})`);
    console.log("");
    const tasks = Number(values.tasks);
    const [killed, drained] = [workers[1]!, workers[2]!];
    const report = await runProducer({
      tasks,
      concurrency: Number(values.concurrency),
      nsHost: "127.0.0.1",
      nsPort: Number(nsPort),
      milestones: [
        {
          done: Math.floor(tasks / 3),
          run: async () => {
            killed.child.kill("SIGKILL");
            await new Promise((resolve) => killed.child.once("exit", resolve));
            return `${killed.ready[1]} killed (SIGKILL)`;
          },
        },
        {
          done: Math.floor((2 * tasks) / 3),
          run: async () => {
            await drained.stop();
            return `${drained.ready[1]} drained (SIGTERM) and exited`;
          },
        },
      ],
    });
    if (report.failed + report.lost + report.duplicates + report.wrong > 0) process.exitCode = 1;
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
  for (const line of exits.sort()) console.log(line);
  console.log("\nDone: workers stopped, name server closed.");
});
