/**
 * The workers a pool knows: who is listed (kept in step with the membership source), who is
 * available right now (the candidates the strategies choose from), and a signal that wakes calls
 * waiting for a worker whenever either changes. A worker that leaves gets no new calls; its
 * connection closes once its calls are done and streams started on it had a while to finish.
 */
import { CommunicationError, NamingError } from "../errors.js";
import { markNotSent } from "../proxy/outcome.js";
import type { ProxySettings } from "../proxy/settings.js";
import { type BreakerOptions, CircuitBreaker } from "./breaker.js";
import type { Clock } from "./clock.js";
import { type Emit, messageOf } from "./events.js";
import type { WorkerEntry } from "./listing.js";
import { PoolMember } from "./member.js";
import type { CoreFactory } from "./parts.js";
import { ChangeSignal } from "./signal.js";
import type { CandidateSet } from "./strategies.js";

/** Milliseconds a worker that left stays connected for the streams started on it. */
const LEAVE_LINGER_MS = 30_000;

/** What a roster needs. */
export interface RosterParts {
  /** What the pool stands for, for messages. */
  readonly description: string;
  readonly settings: ProxySettings;
  readonly breaker: BreakerOptions;
  readonly createCore: CoreFactory;
  readonly clock: Clock;
  readonly emit: Emit;
  /** Told the names of all members after each change (the shard ring follows them). */
  readonly membersChanged: (names: readonly string[]) => void;
  /** Told when a member leaves (session affinity lets go of it). */
  readonly left: (member: PoolMember) => void;
}

/** A pool's workers. */
export class Roster {
  /** Members by name. */
  readonly members = new Map<string, PoolMember>();
  /** Wakes calls waiting for a worker. */
  readonly changed: ChangeSignal;
  private available: Candidates | undefined;
  private known = false;
  private lastError: unknown;
  private closed = false;

  constructor(private readonly parts: RosterParts) {
    this.changed = new ChangeSignal(parts.clock);
  }

  /** The available members (cached until something changes). */
  candidates(): Candidates {
    return (this.available ??= new Candidates([...this.members.values()].filter((m) => m.available)));
  }

  /** Something about availability changed: rebuild the candidates, wake waiting calls. */
  invalidate(): void {
    this.available = undefined;
    this.changed.notify();
  }

  /** The membership source's latest answer: members join, leave, or move (a new URI under the same name). */
  update(workers: ReadonlyMap<string, WorkerEntry>): void {
    if (this.closed) return;
    this.known = true;
    this.lastError = undefined;
    for (const [name, member] of this.members) {
      const listed = workers.get(name);
      if (listed === undefined || !listed.uri.equals(member.uri)) this.leave(member);
    }
    const { createCore, settings, breaker, clock } = this.parts;
    for (const [name, entry] of workers) {
      if (this.members.has(name)) continue;
      const member = new PoolMember(name, entry.uri, entry.tags, createCore(entry.uri, settings), new CircuitBreaker(breaker, clock));
      this.members.set(name, member);
      this.parts.emit({ type: "joined", worker: name, detail: entry.uri.toString() });
    }
    this.parts.membersChanged([...this.members.keys()].sort());
    this.invalidate();
  }

  /** The membership source failed (it retries by itself). */
  failed(error: unknown): void {
    this.lastError = error;
    this.parts.emit({ type: "membership-error", detail: messageOf(error) });
  }

  /** A call on `member` settled: a member that left closes once it has none left. */
  settled(member: PoolMember): void {
    if (--member.inFlight === 0 && member.leaving) this.closeLater(member);
  }

  /** True while a connection to some member is open. */
  get connected(): boolean {
    for (const member of this.members.values()) if (member.core.connected) return true;
    return false;
  }

  /** The error for a call that found no worker available: why there is none, in words. */
  noWorkerError(): Error {
    const what = this.parts.description;
    if (!this.known) {
      const why = this.lastError === undefined ? "no answer yet" : messageOf(this.lastError);
      return markNotSent(new NamingError(`pool of ${what}: cannot learn its workers from the name server (${why})`, { cause: this.lastError }));
    }
    if (this.members.size === 0) {
      return markNotSent(new NamingError(`pool of ${what}: no worker is registered — start some (\`pyro-nsc list\` shows what is registered)`));
    }
    const states = [...this.members.values()].map((m) => `${m.name} ${m.stats().state}`).join(", ");
    return markNotSent(new CommunicationError(`pool of ${what}: no worker is available (${states}); open breakers are probed again shortly`));
  }

  /** Closes every member's connections and forgets them; wakes every waiting call. */
  close(): void {
    this.closed = true;
    for (const member of this.members.values()) member.core.release();
    this.members.clear();
    this.invalidate();
  }

  private leave(member: PoolMember): void {
    member.leaving = true;
    this.members.delete(member.name);
    this.parts.left(member);
    this.parts.emit({ type: "left", worker: member.name });
    if (member.inFlight === 0) this.closeLater(member);
  }

  private closeLater(member: PoolMember): void {
    void this.parts.clock.sleep(this.closed ? 0 : LEAVE_LINGER_MS).then(() => {
      if (member.inFlight === 0) member.core.release();
    });
  }
}

/** The available workers in name order, with a lookup by name (what strategies choose from). */
export class Candidates implements CandidateSet<PoolMember> {
  readonly list: readonly PoolMember[];
  private readonly byName: ReadonlyMap<string, PoolMember>;

  constructor(members: PoolMember[]) {
    this.list = members.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.byName = new Map(this.list.map((m) => [m.name, m]));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  get(name: string): PoolMember | undefined {
    return this.byName.get(name);
  }

  /** These candidates without `exclude`. */
  without(exclude: ReadonlySet<PoolMember>): Candidates {
    return new Candidates(this.list.filter((m) => !exclude.has(m)));
  }
}
