/**
 * The worker: a daemon serving the {@link Thermostat}, registered in the name server as
 * `http.thermostat`. Runs until Ctrl-C (or SIGTERM), then removes its name again.
 *
 *     node examples/web/dist/server.js [--ns-host H] [--ns-port P]
 */
import { parseArgs } from "node:util";
import { Daemon, locateNS } from "@pyrots/core";
import { isMain, runMain } from "@pyrots/example-support";
import { THERMOSTAT_NAME, Thermostat } from "./thermostat.js";

/** A running worker. */
export interface RunningWorker {
  readonly daemon: Daemon;
  readonly uri: string;
  /** Removes the name and stops the daemon. */
  stop(): Promise<void>;
}

/** Starts the daemon on 127.0.0.1 and registers the thermostat with the name server at nsHost:nsPort (or the one `locateNS()` finds). */
export async function startWorker(nsHost?: string, nsPort?: number): Promise<RunningWorker> {
  const ns = await locateNS({ host: nsHost, port: nsPort });
  const daemon = await Daemon.create({ host: "127.0.0.1" });
  const uri = daemon.register(Thermostat, "thermostat");
  await ns.register(THERMOSTAT_NAME, uri, false, ["example", "thermostat"]);
  const stop = async () => {
    // Best effort: the name server may already be gone when everything shuts down together.
    await ns.remove(THERMOSTAT_NAME).catch(() => undefined);
    await ns[Symbol.asyncDispose]();
    await daemon.shutdown();
  };
  return { daemon, uri: uri.toString(), stop };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { "ns-host": { type: "string" }, "ns-port": { type: "string" } } });
  const worker = await startWorker(values["ns-host"], values["ns-port"] === undefined ? undefined : Number(values["ns-port"]));
  console.log(`thermostat worker ready: ${THERMOSTAT_NAME} -> ${worker.uri}`);
  const stop = () => void worker.stop();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  await worker.daemon.requestLoop();
}

if (isMain(import.meta.url)) runMain(main);
