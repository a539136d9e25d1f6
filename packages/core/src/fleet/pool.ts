/**
 * The engine of a pool proxy: many workers standing for one remote object.
 *
 * Each call goes to one worker chosen by the strategy among those available (breaker closed, not
 * draining, still listed); what it does on failure follows `retry.ts`: a call that never ran is sent
 * to another worker at once, an idempotent one also after a lost connection or a timeout, and
 * nothing is retried past the call's attempts or its deadline. Workers that fail trip their breaker
 * and are probed (a fresh handshake, never a user's call) until they take work again.
 *
 * Before its first call the pool connects to one worker to learn the object's metadata: which
 * methods are idempotent, and whether the object is session-mode (then the pool pins this client
 * to one worker).
 */
import { debugLog } from "../debug.js";
import { PyroError, TimeoutError } from "../errors.js";
import type { RemoteMetadata } from "../proxy/metadata.js";
import type { BatchCall, ProxyEngine } from "../proxy/engine.js";
import type { CallOptions } from "../proxy/options.js";
import { markNotSent } from "../proxy/outcome.js";
import type { ProxyRef } from "../serializers/values.js";
import type { URI } from "../uri.js";
import type { CoreFactory, PoolParts, PoolStats } from "./parts.js";
import type { ProxySettings } from "../proxy/settings.js";

export type { CoreFactory, PoolParts, PoolStats } from "./parts.js";
import { PoolCall } from "./call.js";
import type { Clock, RandomSource } from "./clock.js";
import { Deadline } from "./deadline.js";
import { type Emit, makeEmitter, messageOf } from "./events.js";
import { WorkerHealth } from "./health.js";
import type { PoolMember } from "./member.js";
import type { MembershipSource } from "./membership.js";
import type { ResolvedPoolSettings } from "./options.js";
import { backoffMs, classifyFailure, mayRetry } from "./retry.js";
import { Roster } from "./roster.js";
import { shardKeyOf } from "./shard-key.js";
import { type Strategy, makeStrategy } from "./strategies.js";

const log = debugLog("pyrots:pool");

/** Seconds a call waits for a worker when it has no deadline and `waitForWorkers` is not set. */
const DEFAULT_WAIT_FOR_WORKERS = 10;

/** A pool of workers behind one proxy face. */
export class PoolEngine implements ProxyEngine {
  readonly uri: URI;
  metadata: RemoteMetadata | undefined;
  /** The settings of every worker's proxy (serializer, protocol, instrument, caller stacks). */
  readonly settings: ProxySettings;
  private readonly pool: ResolvedPoolSettings;

  private readonly membership: MembershipSource;
  private readonly createCore: CoreFactory;
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly strategy: Strategy;
  private readonly roster: Roster;
  private readonly emit: Emit;
  private readonly health: WorkerHealth;
  private pinned: PoolMember | undefined;
  private affinity = false;
  private primed = false;
  private priming: Promise<void> | undefined;
  private closed = false;
  private retries = 0;
  private failedCalls = 0;
  /** Calls sent, for sampling latencies. */
  private ticks = 0;
  /** Whether every call's latency is measured (the `latency` strategy needs them all). */
  private readonly timeEveryCall: boolean;

  constructor(parts: PoolParts) {
    this.uri = parts.uri;
    this.settings = parts.settings;
    this.pool = parts.pool;
    this.membership = parts.membership;
    this.createCore = parts.createCore;
    this.clock = parts.clock;
    this.random = parts.random;
    this.strategy = makeStrategy(parts.pool.strategy, parts.random);
    this.timeEveryCall = parts.pool.strategy === "latency";
    const emit = (this.emit = makeEmitter(this.membership.description, parts.pool.onEvent));
    this.roster = new Roster({
      description: this.membership.description,
      settings: parts.settings,
      breaker: parts.pool.breaker,
      createCore: parts.createCore,
      clock: parts.clock,
      emit,
      membersChanged: (names) => this.strategy.membersChanged(names),
      left: (member) => {
        if (this.pinned === member) this.pinned = undefined;
      },
    });
    this.health = new WorkerHealth({
      settings: parts.settings,
      cooldown: parts.pool.breaker.cooldown,
      createCore: parts.createCore,
      clock: parts.clock,
      emit,
      invalidate: () => this.roster.invalidate(),
      closed: () => this.closed,
    });
    this.membership.start(
      (workers) => this.roster.update(workers),
      (error) => this.roster.failed(error),
    );
  }

  /** True while a connection to some worker is open. */
  get serializerName(): string {
    return this.settings.serializer.name;
  }

  get connected(): boolean {
    return this.roster.connected;
  }

  call(method: string, args: unknown[], kwargs: Record<string, unknown> | null, options: CallOptions | undefined): Promise<unknown> {
    let key: string | undefined;
    if (this.pool.shardKey !== undefined) {
      try {
        key = shardKeyOf(this.pool.shardKey, method, args, kwargs);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const call = new PoolCall(method, args, kwargs, options, key, this.deadlineFor(options));
    if (this.primed) {
      const member = this.pick(key, undefined);
      if (member !== undefined) return this.send(call, member);
    }
    return this.dispatch(call);
  }

  async getAttr(name: string, options?: CallOptions): Promise<unknown> {
    await this.bind();
    if (this.metadata && !this.metadata.attrs.has(name))
      throw new PyroError(`the workers of ${this.membership.description} have no exposed attribute '${name}'`);
    return this.call("__getattr__", [name], null, options);
  }

  async setAttr(name: string, value: unknown, options?: CallOptions): Promise<void> {
    await this.bind();
    if (this.metadata && !this.metadata.attrs.has(name))
      throw new PyroError(`the workers of ${this.membership.description} have no exposed attribute '${name}'`);
    await this.call("__setattr__", [name, value], null, options);
  }

  /** A batch goes to one worker as one message; it is sent again only if it never ran, or every call in it is idempotent. */
  sendBatch(calls: BatchCall[], oneway: boolean): Promise<unknown> {
    const first = calls[0];
    let key: string | undefined;
    try {
      key = first && this.pool.shardKey !== undefined ? shardKeyOf(this.pool.shardKey, first[0], first[1], first[2]) : undefined;
    } catch (error) {
      return Promise.reject(error);
    }
    return this.dispatch(new PoolCall("<batch>", [], null, undefined, key, this.deadlineFor(undefined), { calls, oneway }));
  }

  /** Connects to one worker (waiting for one to be listed) and learns the object's metadata. */
  async bind(): Promise<void> {
    if (!this.primed) await this.primeOnce(new PoolCall("<bind>", [], null, undefined, undefined, this.deadlineFor(undefined)));
  }

  release(): void {
    for (const member of this.roster.members.values()) member.core.release();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.membership.close();
    this.roster.close();
  }

  ref(): ProxyRef {
    throw new TypeError(
      `a pool proxy (${this.membership.description}) cannot be sent in a call: send the name or tags it was made for, or one worker's URI (poolStats)`,
    );
  }

  /** The pool's state now. */
  stats(): PoolStats {
    return {
      description: this.membership.description,
      strategy: this.strategy.name,
      workers: [...this.roster.members.values()].map((m) => m.stats()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      retries: this.retries,
      failedCalls: this.failedCalls,
      pinned: this.pinned?.name,
    };
  }

  // ---- sending ----

  private deadlineFor(options: CallOptions | undefined): Deadline | undefined {
    const seconds = options?.timeout ?? this.pool.timeout;
    return seconds > 0 ? Deadline.after(this.clock, seconds) : undefined;
  }

  /** One attempt on `member`; its failure decides about the next. */
  private send(call: PoolCall, member: PoolMember): Promise<unknown> {
    member.inFlight++;
    // Latencies feed the `latency` strategy (every call) and the stats (one call in 8: reading
    // the clock twice is a good part of what a call through a pool costs the client).
    const started = this.timeEveryCall || (++this.ticks & 7) === 0 ? this.clock.now() : -1;
    let reply: Promise<unknown>;
    try {
      reply = call.invoke(member.core, this.attemptOptions(call));
    } catch (error) {
      this.roster.settled(member);
      return Promise.reject(error);
    }
    return reply.then(
      (value) => {
        this.roster.settled(member);
        member.answered(started < 0 ? undefined : this.clock.now() - started);
        member.breaker.succeeded();
        return value;
      },
      (error: unknown) => {
        this.roster.settled(member);
        return this.failed(call, member, error, started < 0 ? undefined : this.clock.now() - started);
      },
    );
  }

  private attemptOptions(call: PoolCall): CallOptions | undefined {
    const cap = this.pool.attemptTimeout;
    if (call.deadline === undefined && cap === undefined) return call.options;
    const timeout = call.deadline ? call.deadline.attemptSeconds(cap) : cap;
    return { ...call.options, timeout };
  }

  private failed(call: PoolCall, member: PoolMember, error: unknown, ms: number | undefined): Promise<unknown> {
    const kind = classifyFailure(error);
    this.health.failed(member, kind, error, ms);
    const stop =
      this.closed ||
      !mayRetry(kind, call.idempotentOn(member, this.pool.idempotent)) ||
      call.attempts >= this.pool.retry.attempts ||
      (call.deadline?.expired ?? false) ||
      (call.options?.signal?.aborted ?? false);
    if (stop) {
      this.failedCalls++;
      return Promise.reject(error);
    }
    (call.tried ??= new Set()).add(member);
    call.lastError = error;
    this.retries++;
    this.emit({ type: "retry", worker: member.name, detail: `${call.method}: ${kind}: ${messageOf(error)}` });
    return this.dispatch(call);
  }

  /** Finds a worker for a call (waiting for one if none is available) and sends it; also the retry path. */
  private async dispatch(call: PoolCall): Promise<unknown> {
    if (!this.primed) await this.primeOnce(call);
    for (;;) {
      let member = this.pick(call.key, call.tried);
      let delay = 0;
      if (member === undefined && call.tried !== undefined) {
        // Every available worker was tried: one of them again, after a backoff.
        member = this.pick(call.key, undefined);
        if (member !== undefined) delay = backoffMs(++call.backoffs, this.pool.retry, this.random);
      }
      if (member === undefined) {
        await this.waitForWorker(call);
        continue;
      }
      if (delay > 0) {
        if (call.deadline !== undefined && delay >= call.deadline.remainingMs()) throw call.lastError;
        await this.clock.sleep(delay);
        if (this.closed) throw this.closedError();
        if (!member.available) continue;
      }
      if (call.tried !== undefined) call.attempts++;
      return this.send(call, member);
    }
  }

  /** Waits for a worker to become available, within the call's deadline (or `waitForWorkers`); throws when none does. */
  private async waitForWorker(call: PoolCall): Promise<void> {
    if (this.closed) throw this.closedError();
    const now = this.clock.now();
    const waitMs =
      call.deadline !== undefined
        ? Math.min(call.deadline.remainingMs(), this.pool.waitForWorkers !== undefined ? this.pool.waitForWorkers * 1000 : Infinity)
        : (call.waitEndsAt ??= now + (this.pool.waitForWorkers ?? DEFAULT_WAIT_FOR_WORKERS) * 1000) - now;
    if (waitMs <= 0 || call.options?.signal?.aborted) {
      const error: unknown = call.lastError ?? this.roster.noWorkerError();
      throw error;
    }
    // Wake at changes; look again at least every second (a breaker's cooldown may have passed meanwhile).
    await this.roster.changed.wait(Math.min(waitMs, 1000));
    if (this.closed) throw this.closedError();
  }

  /** Runs the priming connect once for all callers, each waiting within its own deadline. */
  private async primeOnce(call: PoolCall): Promise<void> {
    this.priming ??= this.prime().finally(() => (this.priming = undefined));
    const priming = this.priming;
    if (call.deadline === undefined) return priming;
    const late = Symbol("late");
    const outcome = await Promise.race([priming, this.clock.sleep(call.deadline.remainingMs()).then(() => late)]);
    if (outcome === late && !this.primed) {
      if (this.roster.members.size === 0) throw this.roster.noWorkerError();
      throw markNotSent(new TimeoutError(`no worker of ${this.membership.description} could be reached within the call's timeout`));
    }
  }

  /** Connects to workers one after another until one answers the handshake, then learns the metadata. */
  private async prime(): Promise<void> {
    const call = new PoolCall("<connect>", [], null, undefined, undefined, undefined);
    for (;;) {
      if (this.primed) return;
      const member = this.pick(undefined, call.tried, false);
      if (member === undefined) {
        await this.waitForWorker(call);
        call.tried = undefined;
        continue;
      }
      try {
        await member.core.bind();
      } catch (error) {
        const kind = classifyFailure(markNotSent(error));
        this.health.failed(member, kind, error, 0);
        (call.tried ??= new Set()).add(member);
        call.lastError = error;
        if (kind !== "not-sent" && kind !== "draining") throw error;
        continue;
      }
      this.metadata = member.core.metadata;
      this.affinity = this.pool.sessionAffinity ?? this.metadata?.instanceMode === "session";
      this.primed = true;
      if (log.enabled) log(`${this.membership.description}: connected to ${member.name}${this.affinity ? " (session affinity: pinned)" : ""}`);
      return;
    }
  }

  // ---- choosing ----

  /** The worker for a call: the pinned one (session affinity), else the strategy's choice among the available ones not in `exclude`. */
  private pick(key: string | undefined, exclude: ReadonlySet<PoolMember> | undefined, pin = true): PoolMember | undefined {
    const pinned = this.pinned;
    if (pinned !== undefined) {
      if (pinned.available && !exclude?.has(pinned)) return pinned;
      if (!pinned.available) this.pinned = undefined;
    }
    const available = this.roster.candidates();
    const candidates = exclude === undefined || exclude.size === 0 ? available : available.without(exclude);
    const chosen = this.strategy.pick(candidates, key);
    if (chosen !== undefined && pin && this.affinity) {
      this.pinned = chosen;
      this.emit({ type: "pinned", worker: chosen.name });
    }
    return chosen;
  }

  private closedError(): Error {
    return markNotSent(new PyroError(`pool of ${this.membership.description} is closed`));
  }
}
