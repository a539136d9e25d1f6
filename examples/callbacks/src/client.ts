/**
 * The callbacks example's client:
 * `node examples/callbacks/dist/client.js PYRO:example.station@HOST:PORT [--host H]`
 * runs its own daemon (on `--host`, default 127.0.0.1, which the server must be able to reach)
 * for a listener, subscribes it to the station and prints what the station calls back.
 */
import { parseArgs } from "node:util";
import { Daemon, Proxy } from "@pyrots/core";
import { isMain, runMain } from "@pyrots/example-support";
import { WeatherListener } from "./listener.js";
import type { StationApi } from "./station.js";

const WAIT_MS = 10_000;

/** Subscribes a listener to the station at `uri` and waits for its summary, printing with `print`. */
export async function runClient(uri: string, options: { host?: string; print?: (line: string) => void } = {}): Promise<void> {
  const print = options.print ?? console.log;
  // The listener's own daemon: the station connects back to it. A failing @callback method is
  // reported on this side too (by default as a stack trace on stderr); here it is expected.
  const daemon = await Daemon.create({
    host: options.host ?? "127.0.0.1",
    onCallbackError: (method, error) =>
      print(`${method} callback failed here too, as expected: ${error instanceof Error ? `${error.name}: ${error.message}` : error}`),
  });
  try {
    const listener = new WeatherListener(`listener ${process.pid}`, print);
    print(`listener served at ${daemon.register(listener).toString()}`);
    await using station = new Proxy<StationApi>(uri);
    // A registered object passed as an argument travels as a proxy to it (autoproxy).
    print(await station.subscribe(listener, 5));
    print(`done: ${await within(listener.finished, WAIT_MS)}`);
  } finally {
    await daemon.shutdown();
  }
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no word from the station within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { host: { type: "string", short: "H" } } });
  if (positionals.length !== 1) {
    console.error("usage: node examples/callbacks/dist/client.js PYRO:example.station@HOST:PORT [--host H]");
    process.exit(2);
  }
  await runClient(positionals[0]!, { host: values.host });
}

if (isMain(import.meta.url)) runMain(main);
