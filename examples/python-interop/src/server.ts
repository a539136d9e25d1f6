/**
 * The pyrots worker for Python clients: prints its URI and serves until Ctrl-C.
 *
 *     node examples/python-interop/dist/server.js [--port P]
 *
 * pyrots daemons accept msgpack, json and serpent: Python clients need no settings.
 */
import { parseArgs } from "node:util";
import { Daemon, shutdownOnSignals } from "@pyrots/core";
import { isMain, runMain } from "@pyrots/example-support";
import { TsWorker, WORKER_ID } from "./worker.js";

/** Starts a daemon on 127.0.0.1 serving a {@link TsWorker}; returns it with the worker's URI. */
export async function startServer(port = 0): Promise<{ daemon: Daemon; uri: string }> {
  const daemon = await Daemon.create({ host: "127.0.0.1", port });
  return { daemon, uri: daemon.register(TsWorker, WORKER_ID).toString() };
}

if (isMain(import.meta.url)) {
  runMain(async () => {
    const { values } = parseArgs({ options: { port: { type: "string", short: "p", default: "0" } } });
    const { daemon, uri } = await startServer(Number(values.port));
    console.log(`pyrots worker uri: ${uri}`);
    console.log(`call it from Python: /usr/bin/python3 examples/python-interop/python/client.py ${uri}`);
    shutdownOnSignals(daemon);
    await daemon.requestLoop();
  });
}
