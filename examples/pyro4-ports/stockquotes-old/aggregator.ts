/**
 * Port of Pyro4's `examples/stockquotes-old` (phase 3), the aggregator: listens to every stock
 * market registered under `example.stockmarket-old.` and passes each quote on to the viewers that
 * asked for its symbol. Markets and viewers get the aggregator, and the aggregator gets viewers, as
 * objects passed in calls: each side receives a proxy (autoproxy).
 */
import { Daemon, Proxy, type Remote, expose, locateNS } from "@pyrots/core";
import { print } from "../common/python.js";
import type { QuoteListener } from "./stockmarket.js";

/** What the aggregator calls on a viewer. */
export interface QuoteViewer {
  quote(market: string, symbol: string, value: number): void;
}

interface Market {
  listener(aggregator: QuoteListener): void;
  symbols(): string[];
}

@expose
class Aggregator implements QuoteListener {
  private readonly viewers = new Map<Remote<QuoteViewer>, string[]>();
  private readonly symbols: string[] = [];

  add_symbols(symbols: string[]): void {
    this.symbols.push(...symbols);
  }

  available_symbols(): string[] {
    return this.symbols;
  }

  view(viewer: Remote<QuoteViewer>, symbols: string[]): void {
    print("aggregator gets a new viewer, for symbols:", symbols);
    this.viewers.set(viewer, symbols);
  }

  async quotes(market: string, stockquotes: Record<string, number>): Promise<void> {
    for (const [symbol, value] of Object.entries(stockquotes)) {
      for (const [viewer, symbols] of this.viewers) if (symbols.includes(symbol)) await viewer.quote(market, symbol, value);
    }
  }
}

const aggregator = new Aggregator();
await using daemon = await Daemon.create();
daemon.register(aggregator);
{
  await using ns = await locateNS();
  await ns.register("example.stockquote-old.aggregator", daemon.uriFor(aggregator));
  for (const [market, marketUri] of Object.entries(await ns.list("example.stockmarket-old."))) {
    print("joining market", market);
    await using stockmarket = new Proxy<Market>(marketUri);
    await stockmarket.listener(aggregator);
    aggregator.add_symbols(await stockmarket.symbols());
  }
}
if (aggregator.available_symbols().length === 0) throw new RangeError("no symbols found! (have you started the stock market first?)");
print("Aggregator running. Symbols:", aggregator.available_symbols());
await daemon.requestLoop();
