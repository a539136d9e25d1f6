/**
 * One worker process: a daemon serving a {@link TaskWorker}, registered as
 * `example.pool.worker.N` with a lease it keeps alive (TTL 3 s: if this process dies, its name is
 * gone within 3 s). SIGTERM or Ctrl-C drains it: the name is withdrawn, new calls are refused
 * (pool proxies send them to other workers), the tasks in flight finish, then it exits.
 *
 *     node examples/worker-pool/dist/worker.js --index N [--ns-host H] [--ns-port P] [--ttl S]
 */
import { parseArgs } from "node:util";
import { Daemon, shutdownOnSignals } from "@pyrots/core";
import { isMain, runMain } from "@pyrots/example-support";
import { TaskWorker, WORKER_PREFIX } from "./tasks.js";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      index: { type: "string", default: String(process.pid) },
      host: { type: "string", short: "H", default: "127.0.0.1" },
      "ns-host": { type: "string" },
      "ns-port": { type: "string" },
      ttl: { type: "string", default: "3" },
    },
  });
  const name = `${WORKER_PREFIX}${values.index}`;
  const daemon = await Daemon.create({ host: values.host, port: 0 });
  const worker = new TaskWorker(name);
  const nameServer = { host: values["ns-host"], port: values["ns-port"] === undefined ? undefined : Number(values["ns-port"]) };
  const uri = await daemon.registerName(name, worker, { ttl: Number(values.ttl), metadata: ["example.worker-pool"], nameServer });
  shutdownOnSignals(daemon, { onSignal: (signal) => console.log(`${name}: ${signal}: draining`) });
  console.log(`worker ready: ${name} -> ${uri}`);
  await daemon.requestLoop();
  const drained = daemon.drainOutcome;
  console.log(`${name}: stopped after ${worker.count} tasks (drain ${drained?.finished ? "finished" : "cut short"} in ${drained?.seconds.toFixed(2)} s)`);
}

if (isMain(import.meta.url)) runMain(main);
