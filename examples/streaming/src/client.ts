/**
 * The streaming example's client: `node examples/streaming/dist/client.js PYRO:example.streamer@HOST:PORT`
 * reads ten primes and five log lines from the server's endless generators, leaves each loop early,
 * and shows that the server closed both streams.
 */
import { Proxy } from "@pyrots/core";
import { isMain, runMain } from "@pyrots/example-support";
import type { StreamerApi } from "./streamer.js";

/** Iterates the streamer at `uri`, printing with `print`. */
export async function runClient(uri: string, print: (line: string) => void = console.log): Promise<void> {
  await using streamer = new Proxy<StreamerApi>(uri);

  const primes: number[] = [];
  for await (const prime of streamer.primes()) {
    primes.push(prime);
    // Leaving the loop tells the daemon to close the generator: its `finally` runs over there.
    if (primes.length === 10) break;
  }
  print(`primes: ${primes.join(" ")} (stopped after 10)`);

  let lines = 0;
  for await (const line of streamer.tail(20)) {
    print(`log: ${line}`);
    if (++lines === 5) break;
  }

  for (const event of await streamer.closedStreams(2)) print(`the server reports: ${event}`);
}

async function main(): Promise<void> {
  const uri = process.argv[2];
  if (!uri) {
    console.error("usage: node examples/streaming/dist/client.js PYRO:example.streamer@HOST:PORT");
    process.exit(2);
  }
  await runClient(uri);
}

if (isMain(import.meta.url)) runMain(main);
