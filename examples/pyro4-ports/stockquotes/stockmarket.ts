/**
 * Port of Pyro4's `examples/stockquotes` (phase 2; with `--host H --port P`, phase 3): two stock
 * markets, each an endless generator of quotes that clients iterate remotely.
 *
 * Python properties (`@property def name`) are getters; a generator method becomes a remote
 * iterator (here an async generator, since each quote takes a moment).
 */
import { randomInt } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { Daemon, expose, locateNS } from "@pyrots/core";
import { print } from "../common/python.js";

@expose
class StockMarket {
  constructor(
    private readonly marketName: string,
    private readonly marketSymbols: string[],
  ) {}

  async *quotes(): AsyncGenerator<[string, number]> {
    for (;;) {
      const symbol = this.marketSymbols[randomInt(this.marketSymbols.length)]!;
      yield [symbol, Math.round((5 + Math.random() * 145) * 100) / 100];
      await sleep(Math.random() * 500);
    }
  }

  get name(): string {
    return this.marketName;
  }

  get symbols(): string[] {
    return this.marketSymbols;
  }
}

// phase 3 binds where other machines can reach it: --host 192.168.1.99 --port 9876
const { values } = parseArgs({ options: { host: { type: "string" }, port: { type: "string" } } });
const nasdaq = new StockMarket("NASDAQ", ["AAPL", "CSCO", "MSFT", "GOOG"]);
const newyork = new StockMarket("NYSE", ["IBM", "HPQ", "BP"]);
await using daemon = await Daemon.create({ host: values.host, port: values.port === undefined ? 0 : Number(values.port) });
{
  await using ns = await locateNS();
  await ns.register("example.stockmarket.nasdaq", daemon.register(nasdaq));
  await ns.register("example.stockmarket.newyork", daemon.register(newyork));
}
print("Stockmarkets available.");
await daemon.requestLoop();
