/**
 * Regex searches off the event loop: patterns are matched in a worker thread, one search at a time,
 * each under a time limit. A search that runs past it is failed and its worker terminated (V8 stops
 * a backtracking RegExp there, as nowhere else) and replaced by a fresh one for the next search.
 *
 * Searches wait in a {@link FairQueue}, round-robin over their owners (connections), so one
 * client's queue of slow patterns delays another client's search by at most one time limit per
 * client with searches waiting; the queue is bounded.
 */
import { Worker } from "node:worker_threads";
import { FairQueue } from "../fair-queue.js";
import { BusyError } from "../scheduler.js";

/** A search stopped because it ran longer than the time limit. */
export class RegexTimeoutError extends Error {}

/** Options of {@link RegexSearcher}. */
export interface RegexSearcherOptions {
  /** Seconds one search may run (default 1). */
  timeLimit?: number;
  /** Searches waiting for the worker, over all owners (default 256); beyond it: BusyError. */
  maxQueued?: number;
}

interface Search {
  readonly owner: object;
  readonly id: number;
  readonly source: string;
  readonly flags: string;
  /** Called when the search starts: the names to match then. */
  readonly names: () => readonly string[];
  resolve(matches: number[]): void;
  reject(error: Error): void;
}

const WORKER_URL = new URL("./regex-worker.js", import.meta.url);
// The names of the biggest registry fit many times over; a runaway pattern's memory does not.
const WORKER_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 };

/** Matches names against patterns in a worker thread, with a time limit per search. */
export class RegexSearcher implements AsyncDisposable {
  readonly #timeLimitMs: number;
  readonly #maxQueued: number;
  readonly #queue = new FairQueue<Search>();
  #worker: Worker | undefined;
  #ready = false;
  #current: Search | undefined;
  #timer: NodeJS.Timeout | undefined;
  #nextId = 1;
  #closed = false;
  #restarts = 0;

  constructor(options: RegexSearcherOptions = {}) {
    this.#timeLimitMs = (options.timeLimit ?? 1) * 1000;
    this.#maxQueued = options.maxQueued ?? 256;
  }

  /** Workers replaced so far because a search ran too long or the worker failed. */
  get restarts(): number {
    return this.#restarts;
  }

  /**
   * The indexes of the names that `pattern` matches, in the list `names()` returns when the search
   * starts (so that waiting searches hold no copy of the names). Rejects with RegexTimeoutError
   * when the search runs past the time limit, BusyError when too many searches wait.
   */
  search(owner: object, pattern: RegExp, names: () => readonly string[]): Promise<number[]> {
    if (this.#closed) return Promise.reject(new BusyError("the name server is shutting down"));
    if (this.#queue.size >= this.#maxQueued)
      return Promise.reject(new BusyError(`the name server is busy (${this.#queue.size} regex searches are waiting); try again later`));
    return new Promise<number[]>((resolve, reject) => {
      this.#queue.push(owner, { owner, id: this.#nextId++, source: pattern.source, flags: pattern.flags, names, resolve, reject });
      this.#next();
    });
  }

  /**
   * Drops `owner`'s searches (its connection is gone): waiting ones never run, and a running one is
   * stopped with its worker, which a fresh one replaces.
   */
  cancel(owner: object): void {
    const gone = new BusyError("the connection is closed");
    for (const search of this.#queue.removeOwner(owner)) search.reject(gone);
    if (this.#current?.owner !== owner) return;
    this.#finish()!.reject(gone);
    this.#restarts++;
    void this.#discardWorker();
    this.#next();
  }

  /** Fails waiting and running searches and stops the worker. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    const stopping = new BusyError("the name server is shutting down");
    for (const search of this.#queue.drain()) search.reject(stopping);
    this.#finish()?.reject(stopping);
    await this.#discardWorker();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #next(): void {
    if (this.#current !== undefined || this.#closed || this.#queue.size === 0) return;
    if (this.#worker === undefined) return this.#startWorker();
    if (!this.#ready) return;
    const search = this.#queue.shift()!;
    let names: readonly string[];
    try {
      names = search.names();
    } catch (error) {
      search.reject(error as Error);
      return this.#next();
    }
    this.#current = search;
    this.#timer = setTimeout(() => this.#timedOut(search), this.#timeLimitMs);
    this.#worker.postMessage({ id: search.id, source: search.source, flags: search.flags, names });
  }

  #startWorker(): void {
    const worker = new Worker(WORKER_URL, { resourceLimits: WORKER_LIMITS });
    // The name server's sockets keep the process alive; an idle searcher must not.
    worker.unref();
    this.#worker = worker;
    this.#ready = false;
    worker.on("message", (message: { ready?: true; id?: number; matches?: number[] }) => {
      if (this.#worker !== worker) return;
      if (message.ready) {
        this.#ready = true;
      } else if (this.#current?.id === message.id) {
        this.#finish()!.resolve(message.matches!);
      }
      this.#next();
    });
    worker.on("error", (error) => this.#workerFailed(worker, error));
    worker.on("exit", (code) => this.#workerFailed(worker, new Error(`the regex worker stopped (exit code ${code})`)));
  }

  #timedOut(search: Search): void {
    if (this.#current !== search) return;
    this.#finish();
    search.reject(new RegexTimeoutError(`matching took longer than ${this.#timeLimitMs / 1000} s`));
    this.#restarts++;
    void this.#discardWorker();
    this.#next();
  }

  #workerFailed(worker: Worker, error: Error): void {
    if (this.#worker !== worker) return;
    const search = this.#finish();
    if (search) search.reject(new Error(`regex search failed: ${error.message}`));
    else if (!this.#ready) {
      // The worker could not even start: fail what waits rather than retry forever.
      for (const waiting of this.#queue.drain()) waiting.reject(new Error(`regex search failed: ${error.message}`));
    }
    this.#restarts++;
    void this.#discardWorker();
    this.#next();
  }

  /** Ends the running search's bookkeeping and returns it. */
  #finish(): Search | undefined {
    const search = this.#current;
    clearTimeout(this.#timer);
    this.#current = undefined;
    return search;
  }

  async #discardWorker(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#ready = false;
    if (worker) await worker.terminate();
  }
}
