/**
 * The remote object of the streaming example: methods that return generators are streamed to the
 * caller item by item (Pyro's remote iterators), so they may even be infinite.
 */
import { behavior, expose } from "@pyrots/core";

/** The object id the server registers the streamer under. */
export const STREAMER_ID = "example.streamer";

const REQUESTS = ["GET /index.html 200", "GET /style.css 200", "POST /login 302", "GET /missing 404", "GET /api/items 200"];

/** What a client sees of {@link Streamer}: generators become `AsyncIterable`s on a proxy. */
export interface StreamerApi {
  primes(): Iterable<number>;
  tail(intervalMs: number): AsyncIterable<string>;
  closedStreams(atLeast: number): Promise<string[]>;
}

/** Streams primes (a generator) and log lines (an async generator), forever: clients stop them. */
@expose
@behavior({ instanceMode: "single" })
export class Streamer implements StreamerApi {
  private readonly closed: string[] = [];

  /** Every prime, in order. An infinite generator: only streaming makes it usable remotely. */
  *primes(): Generator<number> {
    let sent = 0;
    try {
      for (let n = 2; ; n++) {
        if (isPrime(n)) {
          sent++;
          yield n;
        }
      }
    } finally {
      // Runs when the client leaves its loop: the daemon closes the generator.
      this.record(`primes stream closed after ${sent} items`);
    }
  }

  /** A simulated access log, one line every `intervalMs`, as a log tailer would produce. */
  async *tail(intervalMs: number): AsyncGenerator<string> {
    let sent = 0;
    try {
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
        const request = REQUESTS[sent % REQUESTS.length];
        sent++;
        yield `[${String(sent).padStart(3)}] ${request}`;
      }
    } finally {
      this.record(`tail stream closed after ${sent} lines`);
    }
  }

  /**
   * The streams closed so far, once there are at least `atLeast` (waiting up to 2 s): closing a
   * stream is a oneway message, so it may still be on its way when this call arrives.
   */
  async closedStreams(atLeast: number): Promise<string[]> {
    const deadline = Date.now() + 2000;
    while (this.closed.length < atLeast && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    return [...this.closed];
  }

  private record(event: string): void {
    this.closed.push(event);
    console.log(`server: ${event}`);
  }
}

function isPrime(n: number): boolean {
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return n >= 2;
}
