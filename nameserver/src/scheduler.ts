/**
 * Runs work whose cost grows with the registry (listings, searches, mass removals) so that it
 * cannot stall the name server: one job per event loop turn, with the network read in between, so
 * other clients' lookups are answered while a long queue of such jobs drains.
 *
 * Requests a client writes together are decoded back to back; without this, a write of K listings
 * would run all K before anything else. Here each connection may have `perOwner` jobs in flight
 * (queued, running, or awaiting a worker), at most `queued` wait over all connections, and turns go
 * round-robin over connections. Beyond either bound a job is refused at once with a
 * {@link BusyError}, which costs next to nothing.
 */
import { FairQueue } from "./fair-queue.js";

/** A job refused because its connection, or the whole name server, has too much work waiting. */
export class BusyError extends Error {}

/** Bounds of a {@link TurnScheduler}. */
export interface SchedulerLimits {
  /** Jobs one owner (connection) may have in flight. */
  readonly perOwner: number;
  /** Jobs waiting for their turn, over all owners. */
  readonly queued: number;
}

interface Waiting {
  start(): void;
  refuse(error: Error): void;
}

/** Runs jobs one per event loop turn, fairly over their owners. */
export class TurnScheduler {
  readonly #limits: SchedulerLimits;
  readonly #waiting = new FairQueue<Waiting>();
  readonly #inFlight = new WeakMap<object, number>();
  #scheduled = false;
  #closed = false;

  constructor(limits: SchedulerLimits) {
    this.#limits = limits;
  }

  /**
   * Runs `job` in a turn of its own. Its result (or the promise it returns) settles the returned
   * promise; until then it counts as in flight for `owner`. Refuses with BusyError over the bounds.
   */
  run<T>(owner: object, job: () => T | PromiseLike<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new BusyError("the name server is shutting down"));
    const inFlight = this.#inFlight.get(owner) ?? 0;
    if (inFlight >= this.#limits.perOwner) {
      return Promise.reject(
        new BusyError(`too many listings and searches in flight on this connection (the limit is ${this.#limits.perOwner}); wait for their answers`),
      );
    }
    if (this.#waiting.size >= this.#limits.queued) {
      return Promise.reject(new BusyError(`the name server is busy (${this.#waiting.size} listings and searches are waiting); try again later`));
    }
    this.#inFlight.set(owner, inFlight + 1);
    const result = new Promise<T>((resolve, reject) => {
      const start = () => {
        try {
          Promise.resolve(job()).then(resolve, reject);
        } catch (error) {
          reject(error);
        }
      };
      this.#waiting.push(owner, { start, refuse: reject });
    });
    this.#schedule();
    return result.finally(() => {
      const left = (this.#inFlight.get(owner) ?? 1) - 1;
      if (left > 0) this.#inFlight.set(owner, left);
      else this.#inFlight.delete(owner);
    });
  }

  /** Jobs waiting for their turn. */
  get waiting(): number {
    return this.#waiting.size;
  }

  /** Drops `owner`'s waiting jobs (its connection is gone): they never run, and are refused. */
  cancel(owner: object): void {
    for (const waiting of this.#waiting.removeOwner(owner)) waiting.refuse(new BusyError("the connection is closed"));
  }

  /** Refuses new jobs and the waiting ones. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const waiting of this.#waiting.drain()) waiting.refuse(new BusyError("the name server is shutting down"));
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#turn);
  }

  readonly #turn = (): void => {
    this.#scheduled = false;
    this.#waiting.shift()?.start();
    if (this.#waiting.size > 0) this.#schedule();
  };
}
