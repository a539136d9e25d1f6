/**
 * The bookkeeping of one connection's calls: those sent and waiting for their reply, by sequence
 * number, and those queued until the daemon's window has room. No I/O: the channel (channel.ts)
 * sends what this tells it to.
 */
import type { PendingCall } from "./pending.js";

/** A connection's calls in flight and in its queue. */
export class CallsInFlight {
  /** How many requests may be in flight at once (the daemon's window, at most 65,535). */
  window = 1;
  /** Calls sent and waiting for their reply, by sequence number. */
  private readonly sent = new Map<number, PendingCall>();
  /** Calls waiting to be sent (the daemon's window is full; Pyro4 daemons take one at a time). */
  private readonly waiting: PendingCall[] = [];
  private lastSeq = 0;
  /** Sent calls that the caller gave up on (timed out, aborted), whose late answers we wait for. */
  private abandoned = 0;

  /** Number of calls sent or queued and not yet answered. */
  get load(): number {
    return this.sent.size + this.waiting.length;
  }

  /** True while a call still waits for something: a reply its caller wants, or room to be sent. */
  get busy(): boolean {
    return this.sent.size - this.abandoned + this.waiting.length > 0;
  }

  /** True when every sent call is one its caller gave up on. */
  get onlyAbandoned(): boolean {
    return this.sent.size === this.abandoned;
  }

  /** True when the daemon's window has room for one more call. */
  get hasRoom(): boolean {
    return this.sent.size < this.window;
  }

  /** True when calls wait for room in the window. */
  get hasQueued(): boolean {
    return this.waiting.length > 0;
  }

  /** The next sequence number not in use on this connection (the window keeps one free). */
  nextSeq(): number {
    let seq = (this.lastSeq + 1) & 0xffff;
    while (this.sent.has(seq)) seq = (seq + 1) & 0xffff;
    this.lastSeq = seq;
    return seq;
  }

  /** Records `call` as sent: gives it the next sequence number and returns it. */
  addSent(call: PendingCall): number {
    const seq = this.nextSeq();
    call.seq = seq;
    this.sent.set(seq, call);
    return seq;
  }

  /** Queues `call` until the window has room. */
  queue(call: PendingCall): void {
    this.waiting.push(call);
  }

  /** The call queued longest, taken out of the queue. */
  takeQueued(): PendingCall | undefined {
    return this.waiting.shift();
  }

  /** The sent call that reply `seq` answers, no longer in flight; undefined for an unknown number. */
  takeAnswered(seq: number): PendingCall | undefined {
    const call = this.sent.get(seq);
    if (call === undefined) return undefined;
    this.sent.delete(seq);
    // The late answer to a call its caller gave up on.
    if (call.done) this.abandoned--;
    return call;
  }

  /**
   * Gives up on `call`: a queued one is dropped (`"queued"`); a sent one stays until its late
   * answer (`"sent"`: it still counts against the window); `"unknown"` for neither.
   */
  abandon(call: PendingCall): "queued" | "sent" | "unknown" {
    const queued = this.waiting.indexOf(call);
    if (queued >= 0) {
      this.waiting.splice(queued, 1);
      return "queued";
    }
    if (this.sent.get(call.seq) !== call) return "unknown";
    this.abandoned++;
    return "sent";
  }

  /** Empties both: returns the calls that were sent and those still queued. */
  drain(): { sent: PendingCall[]; queued: PendingCall[] } {
    const sent = [...this.sent.values()];
    const queued = this.waiting.splice(0);
    this.sent.clear();
    this.abandoned = 0;
    return { sent, queued };
  }
}
