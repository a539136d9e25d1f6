/**
 * Port of Pyro4's `examples/stockquotes` (phases 2 and 3), the viewer: finds every market in the
 * name server and shows the quotes of a few symbols, forever.
 */
import { Proxy, type Remote, locateNS } from "@pyrots/core";
import { print } from "../common/python.js";

interface StockMarket {
  quotes(): AsyncGenerator<[string, number]>;
  readonly name: string;
}

async function findStockmarkets(): Promise<Remote<StockMarket>[]> {
  // You can hardcode the market names, but it is more flexible to look for every market.
  const markets: Remote<StockMarket>[] = [];
  {
    await using ns = await locateNS();
    for (const [market, uri] of Object.entries(await ns.list("example.stockmarket."))) {
      print("found market", market);
      markets.push(new Proxy<StockMarket>(uri));
    }
  }
  if (markets.length === 0) throw new Error("no markets found! (have you started the stock markets first?)");
  return markets;
}

const markets = await findStockmarkets();
const symbols = new Set(["IBM", "AAPL", "MSFT"]);
print("Shown quotes:", symbols);
const sources = new Map<string, AsyncIterator<[string, number]>>();
for (const market of markets) sources.set(await market.name, market.quotes()[Symbol.asyncIterator]());
for (;;) {
  for (const [market, source] of sources) {
    const { value } = await source.next(); // get a new stock quote from the source
    const [symbol, price] = value as [string, number];
    if (symbols.has(symbol)) print(`${market}.${symbol}: ${price}`);
  }
}
