/**
 * One mergesort worker: a daemon serving a {@link Sorter}, registered as
 * `example.mergesort.worker.N` with the metadata tag `example.mergesort`. Start several.
 *
 *     node examples/distributed-mergesort/dist/worker.js --index N [--ns-host H] [--ns-port P]
 */
import { parseArgs } from "node:util";
import { Daemon, locateNS } from "@pyrots/core";
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
  const ns = await locateNS({ host: values["ns-host"], port: values["ns-port"] === undefined ? undefined : Number(values["ns-port"]) });
  const daemon = await Daemon.create({ host: values.host, port: 0 });
  const uri = daemon.register(Sorter, "example.mergesort.sorter");
  await ns.register(name, uri, false, [WORKER_TAG]);
  console.log(`mergesort worker ready: ${name} -> ${uri}`);
  const stop = async () => {
    await ns.remove(name).catch(() => undefined);
    await ns[Symbol.asyncDispose]();
    await daemon.shutdown();
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
  await daemon.requestLoop();
}

if (isMain(import.meta.url)) runMain(main);
