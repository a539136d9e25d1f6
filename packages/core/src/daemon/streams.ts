/**
 * Remote iterators on the daemon side (Pyro4 item streaming): a method that returns an iterator
 * or generator gets a stream id instead of a value, and the client pulls items one by one with
 * `Pyro.Daemon.get_next_stream_item`.
 *
 * Streams of a client that disconnects linger for `ITER_STREAM_LINGER` seconds (the client may
 * reconnect and go on), and no stream lives longer than `ITER_STREAM_LIFETIME` seconds when set.
 */
import { randomUUID } from "node:crypto";
import { PyroError, PythonError } from "../errors.js";

type AnyIterator = Iterator<unknown> | AsyncIterator<unknown>;

interface StreamEntry {
  iterator: AnyIterator;
  /** The connection that owns it, or undefined while lingering after a disconnect. */
  owner: object | undefined;
  createdAt: number;
  /** When its owner disconnected (ms), or 0. */
  lingerSince: number;
}

/** Timing settings, in seconds; 0 = unlimited. */
export interface StreamLimits {
  lifetime: number;
  linger: number;
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
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly limits: StreamLimits) {}

  /** Number of open streams. */
  get size(): number {
    return this.streams.size;
  }

  /** Stores an iterator; returns its new stream id. */
  open(iterator: AnyIterator, owner: object): string {
    const id = randomUUID();
    this.streams.set(id, { iterator, owner, createdAt: Date.now(), lingerSince: 0 });
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
    if (entry.owner === undefined) {
      entry.owner = caller;
      entry.lingerSince = 0;
    }
    let step: IteratorResult<unknown> | Promise<IteratorResult<unknown>>;
    try {
      step = entry.iterator.next();
    } catch (error) {
      this.streams.delete(id);
      throw error;
    }
    if (step instanceof Promise) {
      return step.then(
        (result) => this.item(id, result),
        (error) => {
          this.streams.delete(id);
          throw error;
        },
      );
    }
    return this.item(id, step);
  }

  /** Closes a stream (the client left its loop early). Unknown ids are ignored. */
  close(id: string): void {
    const entry = this.streams.get(id);
    if (!entry) return;
    this.streams.delete(id);
    finish(entry.iterator);
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

  private item(id: string, result: IteratorResult<unknown>): unknown {
    if (result.done) {
      this.streams.delete(id);
      throw new PythonError("builtins.StopIteration");
    }
    return result.value;
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
