/**
 * One etcd watch on a key range, gap-free across reconnects: it starts at a given revision, and
 * after a broken stream it starts again right after the newest revision it handed out, on
 * whichever member the client reaches. It also asks for progress notifications, which tell how far
 * the stream is known to be complete even when nothing under the prefix changes.
 *
 * The etcd3 client's own watcher cannot send progress requests, so this drives the Watch RPC
 * stream directly.
 */
import type { Etcd3, IWatchRequest, IWatchResponse } from "etcd3";
import type { EtcdKv } from "./etcd-cache.js";

/** What a {@link PrefixWatch} reports. */
export interface WatchHandlers {
  /** Changes, in revision order (one response's events). */
  events(events: { type: "Put" | "Delete"; kv: EtcdKv }[]): void;
  /** The stream is complete up to `revision` (a progress notification). */
  progress(revision: number): void;
  /** The start revision was compacted away: reload everything, then {@link PrefixWatch.restart}. */
  compacted(): void;
}

interface Duplex {
  write(request: IWatchRequest): void;
  on(event: string, handler: (...args: never[]) => void): Duplex;
  cancel?(): void;
  end(): void;
}

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 2_000;

/** A self-reconnecting watch on `[key, rangeEnd)`. */
export class PrefixWatch {
  readonly #client: Etcd3;
  readonly #key: Buffer;
  readonly #rangeEnd: Buffer;
  readonly #handlers: WatchHandlers;
  #stream: Duplex | undefined;
  #created = false;
  /** The revision to start from on the next (re)connect. */
  #next = 0;
  #closed = false;
  #backoff = RECONNECT_MIN_MS;
  #reconnect: NodeJS.Timeout | undefined;
  #generation = 0;
  /** When the current connect attempt started (ms), until its watch is created. */
  #connectingSince: number | undefined;
  /** When the last progress request was sent and not yet answered (ms), or undefined. */
  #progressAskedAt: number | undefined;

  constructor(client: Etcd3, key: Buffer, rangeEnd: Buffer, handlers: WatchHandlers) {
    this.#client = client;
    this.#key = key;
    this.#rangeEnd = rangeEnd;
    this.#handlers = handlers;
  }

  /** Whether the stream is up and its watch created. */
  get connected(): boolean {
    return this.#created;
  }

  /** Ms since the current connect attempt started without its watch being created yet (0 when connected or waiting to retry). */
  connectingFor(now = Date.now()): number {
    return this.#connectingSince === undefined ? 0 : now - this.#connectingSince;
  }

  /** Ms since an unanswered progress request was sent (0 when none is pending). */
  progressPendingFor(now = Date.now()): number {
    return this.#progressAskedAt === undefined ? 0 : now - this.#progressAskedAt;
  }

  /** (Re)starts watching from `revision` on a fresh stream. */
  restart(revision: number): void {
    this.#next = revision;
    this.#drop();
    this.#connect();
  }

  #handedOut(revision: number): void {
    this.#next = Math.max(this.#next, revision + 1);
  }

  /** Asks the member for a progress notification (no-op while disconnected). */
  requestProgress(): void {
    if (!this.#created || this.#stream === undefined) return;
    this.#progressAskedAt ??= Date.now();
    this.#stream.write({ progress_request: {} });
  }

  /** Drops the current stream and connects again (to whichever member answers). */
  reconnect(): void {
    if (this.#closed) return;
    this.#drop();
    this.#schedule();
  }

  /** Stops watching for good. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#reconnect);
    this.#drop();
  }

  #connect(): void {
    if (this.#closed) return;
    const generation = ++this.#generation;
    this.#connectingSince = Date.now();
    const current = () => generation === this.#generation && !this.#closed;
    this.#client.watchClient.watch().then(
      (stream) => {
        const duplex = stream as unknown as Duplex;
        if (!current()) return void endQuietly(duplex);
        this.#stream = duplex;
        duplex.on("data", (response: IWatchResponse) => {
          if (current()) this.#onResponse(response);
        });
        const broken = () => {
          if (current()) this.reconnect();
        };
        duplex.on("error", broken);
        duplex.on("end", broken);
        duplex.write({ create_request: { key: this.#key, range_end: this.#rangeEnd, start_revision: String(this.#next) } });
      },
      () => {
        if (current()) this.reconnect();
      },
    );
  }

  #onResponse(response: IWatchResponse): void {
    if (response.watch_id === "-1") {
      // A progress notification: every change up to this revision has been sent on this stream.
      this.#progressAskedAt = undefined;
      // The start point of a reconnect stays at the last event: etcd 3.4 may send this notice ahead
      // of events it has not sent yet, so it is good for freshness but not for resuming.
      this.#handlers.progress(Number(response.header.revision));
      return;
    }
    if (response.canceled) {
      if (Number(response.compact_revision) > 0) {
        this.#drop();
        this.#handlers.compacted();
      } else {
        this.reconnect();
      }
      return;
    }
    if (response.created) {
      this.#created = true;
      this.#connectingSince = undefined;
      this.#backoff = RECONNECT_MIN_MS;
    }
    if (response.events.length > 0) {
      const newest = Math.max(...response.events.map((e) => Number(e.kv.mod_revision)));
      this.#handedOut(newest);
      this.#handlers.events(response.events as unknown as { type: "Put" | "Delete"; kv: EtcdKv }[]);
    }
  }

  #schedule(): void {
    clearTimeout(this.#reconnect);
    this.#reconnect = setTimeout(() => this.#connect(), this.#backoff);
    this.#backoff = Math.min(this.#backoff * 2, RECONNECT_MAX_MS);
  }

  #drop(): void {
    this.#generation++;
    this.#created = false;
    this.#connectingSince = undefined;
    this.#progressAskedAt = undefined;
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream) endQuietly(stream);
  }
}

function endQuietly(stream: Duplex): void {
  // A stream torn down on purpose may still report its cancellation: nobody listens to it any more.
  stream.on("error", () => {});
  try {
    stream.cancel?.();
    stream.end();
  } catch {
    // Already closed.
  }
}
