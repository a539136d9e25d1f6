/**
 * The currency worker: a daemon serving {@link CurrencyExchange}, registered in the name server
 * as `example.currency`. Runs until Ctrl-C (or SIGTERM), then removes its name, finishes the calls
 * in flight and stops.
 *
 *     node examples/currency/dist/server.js [--host H] [--port P] [--ns-host H] [--ns-port P]
 *
 * Without `--ns-host` the name server is found the usual way (`locateNS()`: localhost first).
 */
import { parseArgs } from "node:util";
import { Daemon, shutdownOnSignals } from "@pyrots/core";
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

/**
 * Starts the daemon and registers the exchange under {@link EXCHANGE_NAME}, bound to a lease the
 * daemon keeps alive (should this process die, the name goes within 10 s).
 */
export async function startWorker(options: WorkerOptions = {}): Promise<RunningWorker> {
  const daemon = await Daemon.create({ host: options.host ?? "127.0.0.1", port: options.port ?? 0 });
  const exchange = new CurrencyExchange(new QuoteSource(options.latencyMs));
  const uri = await daemon
    .registerName(EXCHANGE_NAME, daemon.register(exchange, EXCHANGE_NAME), { nameServer: { host: options.nsHost, port: options.nsPort } })
    .catch(async (error: unknown) => {
      await daemon.shutdown();
      throw error;
    });
  // A graceful stop: the name is withdrawn first, then calls in flight finish.
  return { daemon, uri: uri.toString(), stop: () => daemon.shutdown() };
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
  shutdownOnSignals(worker.daemon);
  await worker.daemon.requestLoop();
}

if (isMain(import.meta.url)) runMain(main);
