/**
 * One mergesort worker: a daemon serving a {@link Sorter}, registered as
 * `example.mergesort.worker.N` with the metadata tag `example.mergesort`, bound to a lease it keeps
 * alive. Start one per CPU core (or per machine). Ctrl-C or SIGTERM drains it and removes its name.
 *
 *     node examples/distributed-mergesort/dist/worker.js --index N [--ns-host H] [--ns-port P]
 */
import { parseArgs } from "node:util";
import { Daemon, shutdownOnSignals } from "@pyrots/core";
import { isMain, runMain } from "@pyrots/example-support";
import { Sorter, WORKER_PREFIX, WORKER_TAG } from "./sorter.js";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      index: { type: "string", default: String(process.pid) },
      host: { type: "string", short: "H", default: "127.0.0.1" },
      "ns-host": { type: "string" },
      "ns-port": { type: "string" },
    },
  });
  const name = `${WORKER_PREFIX}${values.index}`;
  const daemon = await Daemon.create({ host: values.host, port: 0 });
  const nameServer = { host: values["ns-host"], port: values["ns-port"] === undefined ? undefined : Number(values["ns-port"]) };
  const uri = await daemon.registerName(name, Sorter, { metadata: [WORKER_TAG], nameServer });
  shutdownOnSignals(daemon, { onSignal: () => undefined });
  console.log(`mergesort worker ready: ${name} -> ${uri}`);
  await daemon.requestLoop();
}

if (isMain(import.meta.url)) runMain(main);
