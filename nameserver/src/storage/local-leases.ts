/**
 * Leases kept by one process, for the memory storage: one timer per lease, renewed by each
 * keepalive; when it fires the lease is gone and its names are handed to the storage to remove.
 */
import { randomBytes } from "node:crypto";
import { NamingError } from "@pyrots/core";
import { MAX_LOCAL_LEASES } from "./types.js";

/** The NamingError for a lease id that is not (or no longer) known. */
export function unknownLease(lease: string): NamingError {
  return new NamingError(`unknown lease: ${lease} (it expired or was revoked; grant a new lease and register its names again)`);
}

/** A fresh random lease id (16 hex digits). */
export function newLeaseId(): string {
  return randomBytes(8).toString("hex");
}

interface LocalLease {
  readonly ttl: number;
  timer: NodeJS.Timeout;
  /** Names registered with this lease (some may have been rebound since; the storage checks). */
  readonly names: Set<string>;
}

/** The live leases of one storage. */
export class LocalLeases {
  readonly #leases = new Map<string, LocalLease>();
  readonly #expire: (lease: string, names: string[]) => void;

  /** `expire` is called when a lease runs out, with the names that were bound to it. */
  constructor(expire: (lease: string, names: string[]) => void) {
    this.#expire = expire;
  }

  /** Grants a lease of `ttl` seconds; NamingError when {@link MAX_LOCAL_LEASES} are live. */
  grant(ttl: number): string {
    if (this.#leases.size >= MAX_LOCAL_LEASES) throw new NamingError(`too many leases (${MAX_LOCAL_LEASES} live): revoke unused leases first`);
    const id = newLeaseId();
    this.#leases.set(id, { ttl, timer: this.#timer(id, ttl), names: new Set() });
    return id;
  }

  /** Restarts a lease's full TTL and returns it; NamingError for an unknown lease. */
  keepAlive(id: string): number {
    const lease = this.#leases.get(id);
    if (lease === undefined) throw unknownLease(id);
    clearTimeout(lease.timer);
    lease.timer = this.#timer(id, lease.ttl);
    return lease.ttl;
  }

  /** Ends a lease now; returns the names that were bound to it, or undefined for an unknown lease. */
  revoke(id: string): string[] | undefined {
    const lease = this.#leases.get(id);
    if (lease === undefined) return undefined;
    clearTimeout(lease.timer);
    this.#leases.delete(id);
    return [...lease.names];
  }

  /** Records that `name` was registered with lease `id`; NamingError for an unknown lease. */
  bind(id: string, name: string): void {
    const lease = this.#leases.get(id);
    if (lease === undefined) throw unknownLease(id);
    lease.names.add(name);
  }

  /** Throws the unknown-lease NamingError unless `id` is live. */
  check(id: string): void {
    if (!this.#leases.has(id)) throw unknownLease(id);
  }

  /** Number of live leases. */
  get size(): number {
    return this.#leases.size;
  }

  /** Stops every timer (the leases die with the storage). */
  close(): void {
    for (const lease of this.#leases.values()) clearTimeout(lease.timer);
    this.#leases.clear();
  }

  #timer(id: string, ttl: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const names = this.revoke(id);
      if (names !== undefined) this.#expire(id, names);
    }, ttl * 1000);
    // Expiry must not keep a stopping process alive.
    timer.unref();
    return timer;
  }
}
