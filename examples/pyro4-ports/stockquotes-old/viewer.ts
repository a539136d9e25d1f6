/**
 * Port of Pyro4's `examples/stockquotes-old` (phase 3), a viewer: asks for some symbols and prints
 * the quotes the aggregator calls it back with, until stopped.
 */
import { Daemon, Proxy, expose } from "@pyrots/core";
import { input, print } from "../common/python.js";
import type { QuoteViewer } from "./aggregator.js";

/** The aggregator as a viewer sees it. */
interface AggregatorApi {
  available_symbols(): string[];
  view(viewer: QuoteViewer, symbols: string[]): void;
}

@expose
class Viewer implements QuoteViewer {
  quote(market: string, symbol: string, value: number): void {
    print(`${market}.${symbol}: ${value}`);
  }
}

const viewer = new Viewer();
await using daemon = await Daemon.create();
daemon.register(viewer);
const aggregator = new Proxy<AggregatorApi>("PYRONAME:example.stockquote-old.aggregator");
print("Available stock symbols:", await aggregator.available_symbols());
const answer = await input("Enter symbols you want to view (comma separated):");
const symbols = answer.split(",").map((symbol) => symbol.trim());
await aggregator.view(viewer, symbols);
print("Viewer listening on symbols", symbols);
await daemon.requestLoop();
