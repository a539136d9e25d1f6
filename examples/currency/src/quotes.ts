/**
 * A stand-in for a remote market-data feed: there is no internet here, so each quote costs a
 * realistic network round trip (150-300 ms) and the rate wiggles a little around a fixed mid.
 */

/** Mid rates the feed quotes around (units of the second currency per one of the first). */
const MIDS: Readonly<Record<string, number>> = {
  "EUR/USD": 1.0842,
  "GBP/USD": 1.2675,
  "USD/JPY": 151.37,
  "USD/CHF": 0.9032,
  "AUD/USD": 0.6581,
  "USD/CAD": 1.3589,
  "EUR/GBP": 0.8554,
  "NZD/USD": 0.6012,
};

/** The currency pairs the feed knows, e.g. `EUR/USD`. */
export const PAIRS: readonly string[] = Object.keys(MIDS);

/** One quote from the feed. */
export interface Quote {
  pair: string;
  rate: number;
  /** How long the feed took to answer, in milliseconds. */
  latencyMs: number;
}

/** The simulated feed. `latencyMs` bounds are inclusive; tests may shrink them. */
export class QuoteSource {
  constructor(private readonly latencyMs: readonly [number, number] = [150, 300]) {}

  /** Fetches the current rate of `pair` (e.g. `EUR/USD`); throws RangeError for an unknown pair. */
  async fetch(pair: string): Promise<Quote> {
    const mid = MIDS[pair.toUpperCase()];
    if (mid === undefined) throw new RangeError(`unknown currency pair ${JSON.stringify(pair)} (known: ${PAIRS.join(", ")})`);
    const [low, high] = this.latencyMs;
    const latencyMs = Math.round(low + Math.random() * (high - low));
    await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const wiggle = 1 + (Math.random() - 0.5) * 0.001;
    return { pair: pair.toUpperCase(), rate: Number((mid * wiggle).toPrecision(6)), latencyMs };
  }
}
