/**
 * The bookkeeping of one connection's calls: those sent and waiting for their reply, by sequence
 * number, and those queued until the daemon's window has room. No I/O: the channel (channel.ts)
 * sends what this tells it to.
 */
import { Fifo } from "./fifo.js";
import type { PendingCall } from "./pending.js";

/** Slots a connection starts with; they double as calls in flight reach half of them. */
const INITIAL_SLOTS = 16;
/** Sequence numbers are 16 bits, so never more slots than numbers. */
const MAX_SLOTS = 0x10000;

/** A connection's calls in flight and in its queue. */
export class CallsInFlight {
  /** How many requests may be in flight at once (the daemon's window, at most 65,535). */
  window = 1;
  /**
   * Calls sent and waiting for their reply, each in the slot of its sequence number modulo the
   * number of slots (a power of two): cheaper per call than a Map, whose entries churn.
   */
  private slots: Array<PendingCall | undefined> = new Array<PendingCall | undefined>(INITIAL_SLOTS).fill(undefined);
  private mask = INITIAL_SLOTS - 1;
  /** How many slots hold a call. */
  private sentCount = 0;
  /**
   * Calls waiting to be sent (the daemon's window is full; Pyro4 daemons take one at a time), with
   * those given up on while waiting: they stay where they are, counted in `waitingAbandoned`, and
   * are skipped when their turn comes (taking one out of the middle would cost O(n) each).
   */
  private readonly waiting = new Fifo<PendingCall>();
  private waitingAbandoned = 0;
  private lastSeq = 0;
  /** Sent calls that the caller gave up on (timed out, aborted), whose late answers we wait for. */
  private abandoned = 0;

  /** Number of calls sent or queued and not yet answered. */
  get load(): number {
    return this.sentCount + this.waiting.length - this.waitingAbandoned;
  }

  /** True while a call still waits for something: a reply its caller wants, or room to be sent. */
  get busy(): boolean {
    return this.sentCount - this.abandoned + this.waiting.length - this.waitingAbandoned > 0;
  }

  /** True when every sent call is one its caller gave up on. */
  get onlyAbandoned(): boolean {
    return this.sentCount === this.abandoned;
  }

  /** True when the daemon's window has room for one more call. */
  get hasRoom(): boolean {
    return this.sentCount < this.window;
  }

  /** True when calls wait for room in the window. */
  get hasQueued(): boolean {
    return this.waiting.length > this.waitingAbandoned;
  }

  /**
   * The next sequence number not in use on this connection, whose slot is free (a number whose
   * slot holds another call is skipped: at most half the slots are taken, so one comes soon).
   */
  nextSeq(): number {
    const slots = this.slots;
    const mask = this.mask;
    let seq = (this.lastSeq + 1) & 0xffff;
    while (slots[seq & mask] !== undefined) seq = (seq + 1) & 0xffff;
    this.lastSeq = seq;
    return seq;
  }

  /** Records `call` as sent: gives it the next sequence number and returns it. */
  addSent(call: PendingCall): number {
    if (this.sentCount * 2 >= this.slots.length && this.slots.length < MAX_SLOTS) this.grow();
    const seq = this.nextSeq();
    call.seq = seq;
    this.slots[seq & this.mask] = call;
    this.sentCount++;
    return seq;
  }

  /** Doubles the slots. Calls keep distinct slots: numbers apart in fewer slots are apart in more. */
  private grow(): void {
    const slots = new Array<PendingCall | undefined>(this.slots.length * 2).fill(undefined);
    const mask = slots.length - 1;
    for (const call of this.slots) if (call !== undefined) slots[call.seq & mask] = call;
    this.slots = slots;
    this.mask = mask;
  }

  /** Queues `call` until the window has room. */
  queue(call: PendingCall): void {
    call.queued = true;
    this.waiting.push(call);
  }

  /** The call queued longest (and not given up on), taken out of the queue. */
  takeQueued(): PendingCall | undefined {
    for (let call = this.waiting.shift(); call !== undefined; call = this.waiting.shift()) {
      if (call.queued) {
        call.queued = false;
        return call;
      }
      this.waitingAbandoned--;
    }
    return undefined;
  }

  /** The sent call that reply `seq` answers, no longer in flight; undefined for an unknown number. */
  takeAnswered(seq: number): PendingCall | undefined {
    const index = seq & this.mask;
    const call = this.slots[index];
    if (call === undefined || call.seq !== seq) return undefined;
    this.slots[index] = undefined;
    this.sentCount--;
    // The late answer to a call its caller gave up on.
    if (call.done) this.abandoned--;
    return call;
  }

  /**
   * Gives up on `call`: a queued one is dropped (`"queued"`); a sent one stays until its late
   * answer (`"sent"`: it still counts against the window); `"unknown"` for neither.
   */
  abandon(call: PendingCall): "queued" | "sent" | "unknown" {
    if (call.queued) {
      call.queued = false;
      this.waitingAbandoned++;
      return "queued";
    }
    if (this.slots[call.seq & this.mask] !== call) return "unknown";
    this.abandoned++;
    return "sent";
  }

  /** Empties both: returns the calls that were sent (about oldest first) and those still queued. */
  drain(): { sent: PendingCall[]; queued: PendingCall[] } {
    const sent: PendingCall[] = [];
    const slots = this.slots;
    // From the slot after the newest number round to it: the order the calls were sent in.
    for (let i = 1; i <= slots.length; i++) {
      const index = (this.lastSeq + i) & this.mask;
      const call = slots[index];
      if (call !== undefined) sent.push(call);
      slots[index] = undefined;
    }
    this.sentCount = 0;
    const queued = this.waiting.takeAll().filter((call) => call.queued);
    for (const call of queued) call.queued = false;
    this.waitingAbandoned = 0;
    this.abandoned = 0;
    return { sent, queued };
  }
}
