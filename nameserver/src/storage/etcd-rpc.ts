/**
 * The etcd requests the storage makes, each with a deadline, and their failures turned into
 * NamingErrors that say what happened to the change and what to do.
 */
import { NamingError } from "@pyrots/core";
import { EtcdLeaseInvalidError, type Etcd3, type IRangeResponse, type ITxnRequest, type ITxnResponse, type IPutRequest, type IPutResponse } from "etcd3";
import { unknownLease } from "./local-leases.js";

/** The requests of one storage, all bounded by `timeoutMs`. */
export class EtcdRequests {
  readonly #client: Etcd3;
  readonly #timeoutMs: number;
  readonly #where: string;

  /** `where` names the cluster in error messages (its endpoints). */
  constructor(client: Etcd3, timeoutMs: number, where: string) {
    this.#client = client;
    this.#timeoutMs = timeoutMs;
    this.#where = where;
  }

  /** A linearizable range read of `[key, rangeEnd)` at `revision` (0: now), `limit` keys at most (0: all). */
  range(key: Buffer, rangeEnd: Buffer, options: { revision?: number; limit?: number; countOnly?: boolean } = {}): Promise<IRangeResponse> {
    return this.#call("read", () =>
      this.#client.kv.range(
        { key, range_end: rangeEnd, revision: options.revision ?? 0, limit: options.limit ?? 0, count_only: options.countOnly ?? false },
        this.#deadline(),
      ),
    );
  }

  /** One put; `lease` for a lease-bound key. */
  put(request: IPutRequest, what: string, lease?: string): Promise<IPutResponse> {
    return this.#call(what, () => this.#client.kv.put(request, this.#deadline()), lease);
  }

  /** One transaction. */
  txn(request: ITxnRequest, what: string, lease?: string): Promise<ITxnResponse> {
    return this.#call(what, () => this.#client.kv.txn(request, this.#deadline()), lease);
  }

  /** Grants a lease; returns its id and the TTL etcd gave it. */
  async grant(ttl: number): Promise<{ id: string; ttl: number }> {
    const response = await this.#call("lease_grant", () => this.#client.leaseClient.leaseGrant({ TTL: ttl, ID: 0 }, this.#deadline()));
    if (response.error) throw new NamingError(`etcd refused the lease: ${response.error}`);
    return { id: response.ID, ttl: Number(response.TTL) };
  }

  /** Renews a lease once; returns its TTL. NamingError for an unknown or expired lease. */
  keepAlive(lease: string): Promise<number> {
    return this.#call(
      "lease_keepalive",
      async () => {
        const stream = await this.#client.leaseClient.leaseKeepAlive(this.#deadline());
        try {
          const response = await new Promise<{ TTL: string }>((resolve, reject) => {
            stream.on("data", resolve);
            stream.on("error", reject);
            stream.on("end", () => reject(new NamingError("etcd closed the keepalive stream without an answer")));
            stream.write({ ID: lease });
          });
          const ttl = Number(response.TTL);
          if (!(ttl > 0)) throw unknownLease(lease);
          return ttl;
        } finally {
          stream.on("error", () => {});
          stream.end();
        }
      },
      lease,
    );
  }

  /** Revokes a lease (etcd deletes its keys); returns the revision of the deletion, or undefined for an unknown lease. */
  async revoke(lease: string): Promise<number | undefined> {
    try {
      const response = await this.#call("lease_revoke", () => this.#client.leaseClient.leaseRevoke({ ID: lease }, this.#deadline()), lease);
      return Number(response.header.revision);
    } catch (error) {
      if (error instanceof NamingError && error.message.startsWith("unknown lease")) return undefined;
      throw error;
    }
  }

  #deadline(): { deadline: Date } {
    return { deadline: new Date(Date.now() + this.#timeoutMs) };
  }

  async #call<T>(what: string, request: () => Promise<T>, lease?: string): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw this.#explain(error, what, lease);
    }
  }

  #explain(error: unknown, what: string, lease: string | undefined): Error {
    if (error instanceof NamingError) return error;
    if (error instanceof EtcdLeaseInvalidError && lease !== undefined) return unknownLease(lease);
    const message = error instanceof Error ? error.message : String(error);
    const timedOut = /deadline/i.test(message);
    const outcome =
      what === "read"
        ? "nothing was read"
        : timedOut
          ? `the ${what} may or may not have been applied (check, then retry)`
          : `the ${what} was not confirmed; retry it (repeating a change is harmless), or ask another name server`;
    const problem = timedOut ? `etcd at ${this.#where} did not answer within ${this.#timeoutMs / 1000} s` : `etcd at ${this.#where} failed: ${message}`;
    return new NamingError(`${problem}; ${outcome}`, { cause: error });
  }
}
