/**
 * The etcd client of one storage and the requests it makes. Each request has one deadline; within
 * it, an attempt that could not reach a working member (connection refused, no leader yet, every
 * member's circuit open) or got no answer within a third of the time (a proposal lost with a dying
 * leader) is tried again, so a leader election or a dead member costs a client latency rather than
 * an error. What fails in the end becomes a NamingError that says what happened to the change and
 * what to do.
 *
 * Retrying is safe for what the storage sends: puts are idempotent, a safe registration that finds
 * exactly its own value counts as done, and compare-and-set transactions re-check their condition.
 */
import { NamingError } from "@pyrots/core";
import { ConsecutiveBreaker, circuitBreaker, handleWhen, isBrokenCircuitError } from "cockatiel";
import {
  Etcd3,
  EtcdLeaseInvalidError,
  GRPCDeadlineExceededError,
  type IPutRequest,
  type IPutResponse,
  type IRangeResponse,
  type ITxnRequest,
  type ITxnResponse,
  isRecoverableError,
} from "etcd3";
import { unknownLease } from "./local-leases.js";

const RETRY_PAUSE_MS = 100;

/** An etcd client for `endpoints` (`host:port` each) that gives up on a member for 1 s after 3 failures in a row. */
export function etcdClient(endpoints: readonly string[], timeoutMs: number): Etcd3 {
  return new Etcd3({
    hosts: endpoints.map((endpoint) => `http://${endpoint}`),
    dialTimeout: timeoutMs,
    grpcOptions: { "grpc.max_receive_message_length": 64 * 2 ** 20 },
    // The client's default keeps a member out for 5 s, longer than a leader election takes.
    faultHandling: { host: () => circuitBreaker(handleWhen(isRecoverableError), { halfOpenAfter: 1_000, breaker: new ConsecutiveBreaker(3) }) },
  });
}

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
  range(key: Buffer, rangeEnd: Buffer, options: { revision?: number; limit?: number; countOnly?: boolean; retry?: boolean } = {}): Promise<IRangeResponse> {
    const request = { key, range_end: rangeEnd, revision: options.revision ?? 0, limit: options.limit ?? 0, count_only: options.countOnly ?? false };
    return this.#call("read", (deadline) => this.#client.kv.range(request, deadline), undefined, options.retry ?? true);
  }

  /** One put; `lease` for a lease-bound key. */
  put(request: IPutRequest, what: string, lease?: string): Promise<IPutResponse> {
    return this.#call(what, (deadline) => this.#client.kv.put(request, deadline), lease);
  }

  /** One transaction. */
  txn(request: ITxnRequest, what: string, lease?: string): Promise<ITxnResponse> {
    return this.#call(what, (deadline) => this.#client.kv.txn(request, deadline), lease);
  }

  /** Grants a lease; returns its id and the TTL etcd gave it. */
  async grant(ttl: number): Promise<{ id: string; ttl: number }> {
    const response = await this.#call("lease_grant", (deadline) => this.#client.leaseClient.leaseGrant({ TTL: ttl, ID: 0 }, deadline));
    if (response.error) throw new NamingError(`etcd refused the lease: ${response.error}`);
    return { id: response.ID, ttl: Number(response.TTL) };
  }

  /** Renews a lease once; returns its TTL. NamingError for an unknown or expired lease. */
  keepAlive(lease: string): Promise<number> {
    return this.#call(
      "lease_keepalive",
      async (deadline) => {
        const stream = await this.#client.leaseClient.leaseKeepAlive(deadline);
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
      const response = await this.#call("lease_revoke", (deadline) => this.#client.leaseClient.leaseRevoke({ ID: lease }, deadline), lease);
      return Number(response.header.revision);
    } catch (error) {
      if (error instanceof NamingError && error.message.startsWith("unknown lease")) return undefined;
      throw error;
    }
  }

  async #call<T>(what: string, request: (options: { deadline: Date }) => Promise<T>, lease?: string, retry = true): Promise<T> {
    const deadline = Date.now() + this.#timeoutMs;
    const attemptMs = Math.max(1_000, this.#timeoutMs / 3);
    for (;;) {
      try {
        return await request({ deadline: new Date(Math.min(deadline, Date.now() + attemptMs)) });
      } catch (error) {
        const again = isBrokenCircuitError(error) || error instanceof GRPCDeadlineExceededError || isRecoverableError(error as Error);
        if (!retry || !again || Date.now() + RETRY_PAUSE_MS >= deadline) throw this.#explain(error, what, lease);
        if (!(error instanceof GRPCDeadlineExceededError)) await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
      }
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
    const problem = timedOut
      ? `etcd at ${this.#where} did not answer within ${this.#timeoutMs / 1000} s`
      : isBrokenCircuitError(error)
        ? `no etcd member at ${this.#where} is reachable (each failed repeatedly just now)`
        : `etcd at ${this.#where} failed: ${message}`;
    return new NamingError(`${problem}; ${outcome}`, { cause: error });
  }
}
