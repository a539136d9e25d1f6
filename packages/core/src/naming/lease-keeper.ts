/**
 * The daemon side of leases (docs/naming-ha.md): names registered through a keeper are bound to
 * one lease, which the keeper keeps alive every TTL/3 on whichever name server replica answers.
 * When the daemon dies the keepalives stop and the name service drops its names within the TTL,
 * with no pinging.
 *
 * | what happens                                   | what the keeper does                                          |
 * | ---------------------------------------------- | ------------------------------------------------------------- |
 * | a keepalive fails (replica down, no answer)    | reports `keepalive-failed`, tries the other replicas, and again after 1 s |
 * | `unknown lease` (cut off longer than the TTL, or the name server restarted) | reports `lease-lost`, grants a new lease, registers every name again (`reregistered`) |
 * | the name server has no leases (Python Pyro4 or Pyro5) | reports `no-leases` once and registers the names plainly |
 * | {@link revoke} (graceful shutdown)             | revokes the lease: every name is gone when it returns         |
 *
 * With a TTL of 0 the keeper holds no lease: it registers plainly and only removes its names on
 * {@link revoke} (they outlive a crash, as Pyro4's registrations do).
 */
import type { LeaseEvent } from "../daemon/options.js";
import { NamingError } from "../errors.js";
import { metadataOf, withOptions } from "../proxy/proxy.js";
import type { NameServerProxy } from "./api.js";
import type { NameServiceClient } from "./replicas.js";

/** Default lease TTL in seconds. */
export const DEFAULT_LEASE_TTL = 10;

/** Seconds a name server call may take for names registered without a lease. */
const PLAIN_CALL_SECONDS = 5;

interface KeptName {
  readonly uri: string;
  readonly metadata: readonly string[];
  readonly safe: boolean;
}

/** Keeps a set of registrations bound to one lease, alive. */
export class LeaseKeeper {
  private lease: string | undefined;
  /** Seconds a name server call may take. */
  private readonly callSeconds: number;
  /** False without a TTL, or once a name server turned out to have no leases. */
  private leasesSupported: boolean;
  private readonly names = new Map<string, KeptName>();
  private timer: NodeJS.Timeout | undefined;
  private failing = false;
  private stopped = false;
  /** Serializes lease changes (grant, re-register) so that two never race. */
  private busy: Promise<unknown> = Promise.resolve();

  /**
   * @param client the name service (its replicas).
   * @param ttl seconds the lease lives without a keepalive.
   * @param report hears of every event (failures included; they are retried).
   */
  constructor(
    private readonly client: NameServiceClient,
    readonly ttl: number,
    private readonly report: (event: LeaseEvent) => void,
  ) {
    if (!Number.isInteger(ttl) || ttl < 0) throw new RangeError(`a lease TTL is a whole number of seconds (0: no lease), got ${ttl}`);
    this.leasesSupported = ttl > 0;
    this.callSeconds = ttl > 0 ? ttl : PLAIN_CALL_SECONDS;
  }

  /** The names kept. */
  get registered(): string[] {
    return [...this.names.keys()];
  }

  /** The current lease id, if one is held. */
  get leaseId(): string | undefined {
    return this.lease;
  }

  /** Registers `name` for `uri`, bound to the lease (granted first if needed), and keeps it. */
  register(name: string, uri: string, metadata: readonly string[], safe: boolean): Promise<void> {
    return this.serialized(async () => {
      if (this.stopped) throw new NamingError("this daemon is shutting down: no new names");
      await this.client.use(async (ns) => {
        const kept = { uri, metadata, safe };
        try {
          await this.registerOn(ns, name, kept, await this.leaseOn(ns));
        } catch (error) {
          if (!isUnknownLease(error)) throw error;
          // The lease ended since the last keepalive: a new one, then this name (the others follow at the next keepalive).
          this.lease = undefined;
          await this.registerOn(ns, name, kept, await this.leaseOn(ns));
        }
      }, this.callSeconds);
      this.names.set(name, { uri, metadata, safe });
      if (this.lease !== undefined) this.schedule(this.ttl / 3);
    });
  }

  /** Removes `name` from the name service and stops keeping it. */
  unregister(name: string): Promise<void> {
    return this.serialized(async () => {
      if (!this.names.delete(name)) return;
      await this.client.use((ns) => withOptions(ns, { timeout: this.callSeconds }).remove(name), this.callSeconds);
    });
  }

  /**
   * Ends the lease (all its names go at once) within `seconds`, and stops. Without leases (a
   * Python name server) the names are removed one by one. Idempotent; never throws (a failure is
   * reported: the names then go when the lease runs out).
   */
  async revoke(seconds: number): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.busy.catch(() => undefined);
    if (this.names.size === 0 && this.lease === undefined) return;
    try {
      await this.client.use(async (ns, callTimeout) => {
        const view = withOptions(ns, { timeout: callTimeout || seconds });
        if (this.lease !== undefined) await view.lease_revoke(this.lease);
        else for (const name of this.names.keys()) await view.remove(name);
      }, seconds);
      this.emit({ type: "revoked", detail: `${this.names.size} name(s) removed: ${[...this.names.keys()].join(", ")}`, nameServer: this.client.location });
    } catch (error) {
      this.emit({ type: "keepalive-failed", detail: `could not remove the names (${messageOf(error)}); they go when the lease ends, within ${this.ttl} s` });
    } finally {
      this.lease = undefined;
      this.client.close();
    }
  }

  /** Tells the listener, which must not break the keeper by throwing. */
  private emit(event: LeaseEvent): void {
    try {
      this.report(event);
    } catch (error) {
      process.stderr.write(`pyrots: a lease event listener threw: ${messageOf(error)}\n`);
    }
  }

  private serialized<T>(step: () => Promise<T>): Promise<T> {
    const next = this.busy.then(step, step);
    this.busy = next.catch(() => undefined);
    return next;
  }

  /** The lease to bind names to on `ns`, granted if there is none; undefined when the name server has no leases. */
  private async leaseOn(ns: NameServerProxy): Promise<string | undefined> {
    if (this.lease !== undefined || !this.leasesSupported) return this.lease;
    if (!metadataOf(ns)?.methods.includes("lease_grant")) {
      this.leasesSupported = false;
      this.emit({
        type: "no-leases",
        detail: "the name server has no leases (a Python Pyro4 or Pyro5 one?): names are registered plainly and stay after a crash",
      });
      return undefined;
    }
    const lease: unknown = await withOptions(ns, { timeout: this.callSeconds }).lease_grant(this.ttl);
    if (typeof lease !== "string" || lease.length === 0 || lease.length > 200)
      throw new NamingError("the name server answered lease_grant with something that is not a lease id");
    this.lease = lease;
    this.emit({ type: "granted", detail: `lease ${lease}, TTL ${this.ttl} s`, nameServer: this.client.location });
    return lease;
  }

  private async registerOn(ns: NameServerProxy, name: string, kept: KeptName, lease: string | undefined): Promise<void> {
    const view = withOptions(ns, { timeout: this.callSeconds });
    if (lease === undefined) await view.register(name, kept.uri, kept.safe, [...kept.metadata]);
    else await view.register(name, kept.uri, kept.safe, [...kept.metadata], lease);
  }

  private schedule(seconds: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.serialized(() => this.keepAlive()).catch(() => undefined), seconds * 1000);
    // The daemon's listening socket keeps the process alive, not its lease.
    this.timer.unref();
  }

  private async keepAlive(): Promise<void> {
    if (this.stopped) return;
    if (this.lease === undefined) {
      // Without leases (a Python name server) there is nothing to keep alive.
      if (this.leasesSupported) await this.renew("no lease held");
      return;
    }
    const lease = this.lease;
    try {
      await this.client.use((ns) => withOptions(ns, { timeout: this.ttl / 3 }).lease_keepalive(lease), this.ttl / 3);
      if (this.failing) this.emit({ type: "keepalive-recovered", detail: `lease ${lease} kept alive again`, nameServer: this.client.location });
      this.failing = false;
      this.schedule(this.ttl / 3);
    } catch (error) {
      if (isUnknownLease(error)) {
        await this.renew(`lease ${lease} ended (${messageOf(error)})`);
        return;
      }
      this.failing = true;
      this.emit({
        type: "keepalive-failed",
        detail: `keepalive of lease ${lease} failed: ${messageOf(error)}; trying again in 1 s`,
        nameServer: this.client.location,
      });
      this.schedule(Math.min(1, this.ttl / 3));
    }
  }

  /** The lease is gone: grants a new one and registers every name again. */
  private async renew(why: string): Promise<void> {
    this.lease = undefined;
    this.emit({ type: "lease-lost", detail: `${why}; registering ${this.names.size} name(s) again` });
    try {
      await this.client.use(async (ns) => {
        const lease = await this.leaseOn(ns);
        for (const [name, kept] of this.names) {
          try {
            await this.registerOn(ns, name, kept, lease);
          } catch (error) {
            if (!(error instanceof NamingError) || !/^name already registered/.test(error.message)) throw error;
            this.names.delete(name);
            this.emit({ type: "register-failed", detail: `${name} was taken by someone else meanwhile: ${error.message}; no longer kept` });
          }
        }
      }, this.callSeconds);
      this.failing = false;
      this.emit({ type: "reregistered", detail: `${this.names.size} name(s) under lease ${this.lease ?? "(none)"}`, nameServer: this.client.location });
      this.schedule(this.ttl / 3);
    } catch (error) {
      this.failing = true;
      this.emit({ type: "keepalive-failed", detail: `registering again failed: ${messageOf(error)}; trying again in 1 s` });
      this.schedule(Math.min(1, this.ttl / 3));
    }
  }
}

function isUnknownLease(error: unknown): error is NamingError {
  return error instanceof NamingError && /^unknown lease/.test(error.message);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
