/**
 * The streaming example's server: `node examples/streaming/dist/server.js [--host H] [--port P]`
 * prints the streamer's URI and serves until Ctrl-C (or SIGTERM), then stops gracefully.
 */
import { parseArgs } from "node:util";
import { Daemon, shutdownOnSignals } from "@pyrots/core";
import { isMain, runMain } from "@pyrots/example-support";
import { STREAMER_ID, Streamer } from "./streamer.js";

/** Starts a daemon serving a {@link Streamer}; returns it with the streamer's URI. */
export async function startServer(options: { host?: string; port?: number } = {}): Promise<{ daemon: Daemon; uri: string }> {
  const daemon = await Daemon.create({ host: options.host ?? "127.0.0.1", port: options.port ?? 0 });
  const uri = daemon.register(new Streamer(), STREAMER_ID).toString();
  return { daemon, uri };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { host: { type: "string", short: "H" }, port: { type: "string", short: "p" } } });
  const { daemon, uri } = await startServer({ host: values.host, port: values.port === undefined ? 0 : Number(values.port) });
  console.log(`streamer uri: ${uri}`);
  console.log(`run the client with: node examples/streaming/dist/client.js ${uri}`);
  shutdownOnSignals(daemon);
  await daemon.requestLoop();
}

if (isMain(import.meta.url)) runMain(main);
