/**
 * The currency worker: a daemon serving {@link CurrencyExchange}, registered in the name server
 * as `example.currency`. Runs until Ctrl-C (or SIGTERM), then removes its name again.
 *
 *     node examples/currency/dist/server.js [--host H] [--port P] [--ns-host H] [--ns-port P]
 *
 * Without `--ns-host` the name server is found the usual way (`locateNS()`: localhost first).
 */
import { parseArgs } from "node:util";
import { Daemon, type NameServerProxy, locateNS } from "@pyrots/core";
import { isMain, runMain } from "@pyrots/example-support";
import { CurrencyExchange, EXCHANGE_NAME } from "./exchange.js";
import { QuoteSource } from "./quotes.js";

/** Where the worker listens and which name server it registers with. */
export interface WorkerOptions {
  host?: string;
  port?: number;
  nsHost?: string;
  nsPort?: number;
  /** Quote latency bounds in ms (default 150-300). */
  latencyMs?: [number, number];
}

/** A running worker. */
export interface RunningWorker {
  readonly daemon: Daemon;
  readonly uri: string;
  /** Removes the name and stops the daemon. */
  stop(): Promise<void>;
}

/** Starts the daemon, registers the exchange under {@link EXCHANGE_NAME}. */
export async function startWorker(options: WorkerOptions = {}): Promise<RunningWorker> {
  const ns: NameServerProxy = await locateNS({ host: options.nsHost, port: options.nsPort });
  const daemon = await Daemon.create({ host: options.host ?? "127.0.0.1", port: options.port ?? 0 });
  const uri = daemon.register(new CurrencyExchange(new QuoteSource(options.latencyMs)), EXCHANGE_NAME);
  await ns.register(EXCHANGE_NAME, uri);
  const stop = async () => {
    // Best effort: the name server may already be gone when everything shuts down together.
    await ns.remove(EXCHANGE_NAME).catch(() => undefined);
    await ns[Symbol.asyncDispose]();
    await daemon.shutdown();
  };
  return { daemon, uri: uri.toString(), stop };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: "string", short: "H" },
      port: { type: "string", short: "p" },
      "ns-host": { type: "string" },
      "ns-port": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log("usage: node examples/currency/dist/server.js [--host H] [--port P] [--ns-host H] [--ns-port P]");
    return;
  }
  const worker = await startWorker({
    host: values.host,
    port: values.port === undefined ? undefined : Number(values.port),
    nsHost: values["ns-host"],
    nsPort: values["ns-port"] === undefined ? undefined : Number(values["ns-port"]),
  });
  console.log(`currency worker ready: ${EXCHANGE_NAME} -> ${worker.uri}`);
  const stop = () => void worker.stop();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  await worker.daemon.requestLoop();
}

if (isMain(import.meta.url)) runMain(main);
