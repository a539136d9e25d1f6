/**
 * Remote iterators on the daemon side (Pyro4 item streaming): a method that returns an iterator
 * or generator gets a stream id instead of a value, and the client pulls items one by one with
 * `Pyro.Daemon.get_next_stream_item`, or (pyrots clients) a batch at a time with
 * `get_next_stream_items`. A batch ends at its count, at a byte budget, at the end of the
 * iterator, or at its error: the items before an error go out first, the error with a later pull.
 *
 * Streams of a client that disconnects linger for `ITER_STREAM_LINGER` seconds (the client may
 * reconnect and go on), and no stream lives longer than `ITER_STREAM_LIFETIME` seconds when set.
 *
 * Each open stream holds its iterator (and whatever the generator keeps alive), so their number is
 * bounded: per connection by `MAX_ITER_STREAMS`, and in all, lingering ones included, by that
 * times `MAX_CONNECTIONS`. At the overall bound the oldest lingering stream gives way first.
 */
import { randomUUID } from "node:crypto";
import { PyroError, PythonError } from "../errors.js";
import { type AnyIterator, type BatchRules, type BatchState, type StreamBatch, fillBatch } from "./stream-batch.js";

interface StreamEntry extends BatchState {
  iterator: AnyIterator;
  /** The connection that owns it, or undefined while lingering after a disconnect. */
  owner: object | undefined;
  createdAt: number;
  /** When its owner disconnected (ms), or 0. */
  lingerSince: number;
  /** A batch is being filled (async iterators): further pulls wait their turn by being refused. */
  busy: boolean;
}

/** Limits on streams; 0 = unlimited. */
export interface StreamLimits {
  /** Seconds a stream may live. */
  lifetime: number;
  /** Seconds a stream outlives its connection. */
  linger: number;
  /** Streams one connection may have open at once (`MAX_ITER_STREAMS`). */
  perOwner: number;
  /** Streams open at once in all, lingering ones included. */
  total: number;
}

/** True for iterators and generators, which Pyro streams; arrays, strings, maps and sets are values. */
export function isStreamable(value: unknown): value is AnyIterator {
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value) || ArrayBuffer.isView(value) || value instanceof Map || value instanceof Set) return false;
  const candidate = value as { next?: unknown; [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown };
  return typeof candidate.next === "function" && (typeof candidate[Symbol.iterator] === "function" || typeof candidate[Symbol.asyncIterator] === "function");
}

/** The open streams of one daemon. */
export class StreamRegistry {
  private readonly streams = new Map<string, StreamEntry>();
  /** Streams each connection owns. */
  private readonly owned = new Map<object, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly limits: StreamLimits) {}

  /** Number of open streams. */
  get size(): number {
    return this.streams.size;
  }

  /**
   * Stores an iterator; returns its new stream id. At a limit the iterator is closed and a
   * PyroError says which limit and what to do.
   */
  open(iterator: AnyIterator, owner: object): string {
    const { perOwner, total } = this.limits;
    const count = this.owned.get(owner) ?? 0;
    if (perOwner > 0 && count >= perOwner) {
      finish(iterator);
      throw new PyroError(
        `too many remote iterators open on this connection (MAX_ITER_STREAMS is ${perOwner}): finish or close some first (leaving a for-await loop early closes its iterator), or raise MAX_ITER_STREAMS on the daemon`,
      );
    }
    if (total > 0 && this.streams.size >= total && !this.dropOldestLingering()) {
      finish(iterator);
      throw new PyroError(
        `too many remote iterators open in this daemon (at most ${total}, MAX_ITER_STREAMS × MAX_CONNECTIONS): try again later, or raise those limits on the daemon`,
      );
    }
    const id = randomUUID();
    this.streams.set(id, {
      iterator,
      owner,
      createdAt: Date.now(),
      lingerSince: 0,
      held: [],
      exhausted: false,
      failure: undefined,
      bytesPerItem: 0,
      busy: false,
    });
    this.owned.set(owner, count + 1);
    this.startHousekeeping();
    return id;
  }

  /**
   * The next item of a stream (a Promise for async iterators). The end of the stream and any
   * error from the iterator close the stream and are thrown, the end as Python's StopIteration.
   */
  next(id: string, caller: object): unknown {
    const entry = this.streams.get(id);
    if (!entry) throw new PyroError("item stream terminated");
    this.adopt(entry, caller);
    if (entry.busy) throw new PyroError("a batch of this stream's items is still being fetched: pull the next item after it arrives");
    if (entry.held.length > 0) return entry.held.shift();
    if (entry.failure) {
      this.remove(id);
      throw entry.failure.error;
    }
    if (entry.exhausted) {
      this.remove(id);
      throw new PythonError("builtins.StopIteration");
    }
    let step: IteratorResult<unknown> | Promise<IteratorResult<unknown>>;
    try {
      step = entry.iterator.next();
    } catch (error) {
      this.remove(id);
      throw error;
    }
    if (step instanceof Promise) {
      return step.then(
        (result) => this.item(id, result),
        (error) => {
          this.remove(id);
          throw error;
        },
      );
    }
    return this.item(id, step);
  }

  /**
   * Up to `rules.max` items of a stream (a Promise for async iterators), fewer when their reply
   * would pass `rules.budgetBytes` (a single item always goes), and whether the iterator ended
   * after them (see `stream-batch.ts`). Only the connection that owns the stream (or picks up a
   * lingering one) may pull: another connection's pull is refused. An error from the iterator is
   * thrown at once when no item came before it, else once the items before it are sent; an item
   * that cannot be encoded, when it is the first of its batch.
   */
  nextBatch(id: string, caller: object, rules: BatchRules): StreamBatch | Promise<StreamBatch> {
    const entry = this.streams.get(id);
    if (!entry || (entry.owner !== undefined && entry.owner !== caller)) throw new PyroError("item stream terminated");
    this.adopt(entry, caller);
    if (entry.busy) throw new PyroError("a batch of this stream's items is still being fetched: ask for the next batch after it arrives");
    if (entry.failure && entry.held.length === 0) {
      this.remove(id);
      throw entry.failure.error;
    }
    const filled = fillBatch(entry, rules, {
      isOpen: () => this.streams.get(id) === entry,
      forget: () => void this.remove(id),
      close: () => this.close(id),
    });
    if (!(filled instanceof Promise)) return filled;
    entry.busy = true;
    return filled.finally(() => (entry.busy = false));
  }

  /** Closes a stream (the client left its loop early). Unknown ids are ignored. */
  close(id: string): void {
    const entry = this.remove(id);
    if (entry) finish(entry.iterator);
  }

  /** A connection ended: its streams linger, or close at once when lingering is off. */
  ownerGone(owner: object): void {
    const now = Date.now();
    for (const [id, entry] of this.streams) {
      if (entry.owner !== owner) continue;
      if (this.limits.linger > 0) {
        entry.owner = undefined;
        entry.lingerSince = now;
      } else {
        this.close(id);
      }
    }
    this.owned.delete(owner);
  }

  /** Closes every stream and stops housekeeping. */
  closeAll(): void {
    for (const id of [...this.streams.keys()]) this.close(id);
    this.stopHousekeeping();
  }

  /** Drops streams past their lifetime or linger time. */
  housekeep(now = Date.now()): void {
    const { lifetime, linger } = this.limits;
    for (const [id, entry] of this.streams) {
      const expired = (lifetime > 0 && now - entry.createdAt > lifetime * 1000) || (entry.lingerSince > 0 && now - entry.lingerSince > linger * 1000);
      if (expired) this.close(id);
    }
    if (this.streams.size === 0) this.stopHousekeeping();
  }

  /** A stream lingering after its connection ended is taken over by the connection that pulls from it. */
  private adopt(entry: StreamEntry, caller: object): void {
    if (entry.owner !== undefined) return;
    entry.owner = caller;
    entry.lingerSince = 0;
    this.owned.set(caller, (this.owned.get(caller) ?? 0) + 1);
  }

  private item(id: string, result: IteratorResult<unknown>): unknown {
    if (result.done) {
      this.remove(id);
      throw new PythonError("builtins.StopIteration");
    }
    return result.value;
  }

  /** Forgets a stream (without closing its iterator); returns its entry if it was open. */
  private remove(id: string): StreamEntry | undefined {
    const entry = this.streams.get(id);
    if (!entry) return undefined;
    this.streams.delete(id);
    const owner = entry.owner;
    if (owner !== undefined) {
      const count = this.owned.get(owner) ?? 0;
      if (count <= 1) this.owned.delete(owner);
      else this.owned.set(owner, count - 1);
    }
    return entry;
  }

  /** Closes the stream that has lingered longest, if any stream lingers. */
  private dropOldestLingering(): boolean {
    let oldest: string | undefined;
    let since = Infinity;
    for (const [id, entry] of this.streams) {
      if (entry.owner === undefined && entry.lingerSince < since) {
        oldest = id;
        since = entry.lingerSince;
      }
    }
    if (oldest === undefined) return false;
    this.close(oldest);
    return true;
  }

  private startHousekeeping(): void {
    if (this.timer || (this.limits.lifetime <= 0 && this.limits.linger <= 0)) return;
    const period = Math.max(50, Math.min(2000, (Math.min(...[this.limits.lifetime, this.limits.linger].filter((s) => s > 0)) * 1000) / 2));
    this.timer = setInterval(() => this.housekeep(), period);
    this.timer.unref();
  }

  private stopHousekeeping(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** Lets a generator run its `finally` blocks. */
function finish(iterator: AnyIterator): void {
  try {
    const done = iterator.return?.();
    if (done instanceof Promise) done.catch(() => undefined);
  } catch {
    // an iterator that fails to close is closed all the same
  }
}
