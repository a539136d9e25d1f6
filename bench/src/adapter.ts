/**
 * The one interface both Node clients (baseline and pyrots) implement, so every workload runs the
 * same driver code against either.
 */

/** A connection to a bench server (or, for workload h, to a name server). */
export interface BenchClient {
  add(a: number, b: number): Promise<number>;
  echo(data: Buffer): Promise<Uint8Array>;
  /** A oneway call: returns once queued, never waits for the server. */
  notify(i: number): void;
  /** How many `notify` calls the server has run, and the sum of their arguments. */
  stats(): Promise<[number, number]>;
  /** One batch of `n` calls `add(start + k, 1)`, sent as one message. */
  addBatch(start: number, n: number): Promise<number[]>;
  register(name: string, uri: string): Promise<void>;
  /** Looks up a name; resolves with the URI as text. */
  lookup(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Opens a client; `target` says whether it talks to the bench object or the name server. */
export type ClientFactory = (port: number, target: "bench" | "ns") => Promise<BenchClient>;
