/**
 * The currency client: asks the exchange for six rates, first one call after another
 * (sync-style), then all at once (concurrent calls on one connection), and prints both timings.
 *
 *     node examples/currency/dist/client.js [URI]     (default PYRONAME:example.currency)
 */
import { Proxy, bind } from "@pyrots/core";
import { isMain, runMain, table } from "@pyrots/example-support";
import { EXCHANGE_NAME, type ExchangeApi } from "./exchange.js";
import type { Quote } from "./quotes.js";

/** The pairs the client asks for. */
export const WANTED = ["EUR/USD", "GBP/USD", "USD/JPY", "USD/CHF", "AUD/USD", "USD/CAD"];

/** Both timings, in seconds. */
export interface Timings {
  sync: number;
  concurrent: number;
}

/** Fetches {@link WANTED} from the exchange at `uri` both ways, printing tables with `print`. */
export async function runClient(uri = `PYRONAME:${EXCHANGE_NAME}`, print: (line: string) => void = console.log): Promise<Timings> {
  await using exchange = new Proxy<ExchangeApi>(uri);
  // Connect (and look the name up) before timing, so both timings measure only the calls.
  await bind(exchange);
  const known = await exchange.pairs;
  print(`The exchange quotes ${known.length} pairs: ${known.join(" ")}`);

  let started = performance.now();
  const one: Quote[] = [];
  for (const pair of WANTED) one.push(await exchange.getRate(pair));
  const sync = (performance.now() - started) / 1000;
  printQuotes("Sync calls (one after another):", one, print);

  started = performance.now();
  const all = await Promise.all(WANTED.map((pair) => exchange.getRate(pair)));
  const concurrent = (performance.now() - started) / 1000;
  printQuotes("Async calls (all at once, Promise.all):", all, print);

  print("");
  print(`Sync calls: ${sync.toFixed(2)} seconds`);
  print(`Async calls: ${concurrent.toFixed(2)} seconds (${(sync / concurrent).toFixed(1)}x faster)`);
  return { sync, concurrent };
}

function printQuotes(title: string, quotes: readonly Quote[], print: (line: string) => void): void {
  print("");
  print(title);
  const rows = quotes.map((q) => [q.pair, q.rate.toFixed(q.rate >= 100 ? 2 : 4), `${q.latencyMs} ms`]);
  for (const line of table(["pair", "rate", "feed latency"], rows)) print(`  ${line}`);
}

if (isMain(import.meta.url)) runMain(async () => void (await runClient(process.argv[2])));
