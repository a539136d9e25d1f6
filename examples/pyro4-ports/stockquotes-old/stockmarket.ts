/**
 * Port of Pyro4's `examples/stockquotes-old` (phase 3), the stock markets: each makes new quotes at
 * random moments and pushes them to every aggregator that asked to listen (a callback; the newer
 * `stockquotes` example streams them with a remote iterator instead).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Daemon, type Remote, expose, locateNS } from "@pyrots/core";
import { print } from "../common/python.js";

/** What a market calls on its listeners. */
export interface QuoteListener {
  quotes(market: string, stockquotes: Record<string, number>): Promise<void>;
}

/** Python's `random.normalvariate(mean, sigma)` (Box–Muller). */
function normalvariate(mean: number, sigma: number): number {
  return mean + sigma * Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
}

class StockMarket {
  private readonly symbolmeans = new Map<string, number>();
  private readonly aggregators: Remote<QuoteListener>[] = [];

  constructor(
    private readonly name: string,
    symbols: string[],
  ) {
    for (const symbol of symbols) this.symbolmeans.set(symbol, 20 + Math.random() * 180);
  }

  async generate(): Promise<void> {
    const quotes: Record<string, number> = {};
    for (const [symbol, mean] of this.symbolmeans) if (Math.random() < 0.2) quotes[symbol] = Math.round(normalvariate(mean, 20) * 100) / 100;
    print("new quotes generated for", this.name);
    for (const aggregator of this.aggregators) await aggregator.quotes(this.name, quotes);
  }

  @expose
  listener(aggregator: Remote<QuoteListener>): void {
    print(`market ${this.name} adding new aggregator`);
    this.aggregators.push(aggregator);
  }

  @expose
  symbols(): string[] {
    return [...this.symbolmeans.keys()];
  }

  /** Makes quotes forever, at random moments (Python's generator thread). */
  async run(): Promise<void> {
    for (;;) {
      await sleep(Math.random() * 1000);
      await this.generate();
    }
  }
}

const nasdaq = new StockMarket("NASDAQ", ["AAPL", "CSCO", "MSFT", "GOOG"]);
const newyork = new StockMarket("NYSE", ["IBM", "HPQ", "BP"]);
await using daemon = await Daemon.create();
{
  await using ns = await locateNS();
  await ns.register("example.stockmarket-old.nasdaq", daemon.register(nasdaq));
  await ns.register("example.stockmarket-old.newyork", daemon.register(newyork));
}
void nasdaq.run();
void newyork.run();
print("Stockmarkets running.");
await daemon.requestLoop();
