/**
 * The remote object of the currency example: a thin exposed face over the quote feed.
 */
import { behavior, expose } from "@pyrots/core";
import { PAIRS, type Quote, QuoteSource } from "./quotes.js";

/** The name the worker registers under in the name server. */
export const EXCHANGE_NAME = "example.currency";

/** What a client sees of {@link CurrencyExchange} through a proxy. */
export interface ExchangeApi {
  /** The pairs the exchange quotes (a remote property: `await exchange.pairs`). */
  readonly pairs: string[];
  /** The current rate of a pair such as `EUR/USD`. */
  getRate(pair: string): Promise<Quote>;
}

/**
 * Serves exchange rates. One instance for all clients (`single`): it stands for one connection
 * to a market-data feed, which would be costly to open per client.
 */
@expose
@behavior({ instanceMode: "single" })
export class CurrencyExchange implements ExchangeApi {
  constructor(private readonly source: QuoteSource = new QuoteSource()) {}

  get pairs(): string[] {
    return [...PAIRS];
  }

  async getRate(pair: string): Promise<Quote> {
    return this.source.fetch(pair);
  }
}
