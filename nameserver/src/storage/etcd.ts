/**
 * Storage on an etcd cluster, for any number of name server replicas serving the same names.
 *
 * | key                      | value                                   | lease                 |
 * | ------------------------ | --------------------------------------- | --------------------- |
 * | `PREFIX/names/NAME`      | `{"u": uri, "m": [tags], "o"?: order}`  | the registration's, if any |
 *
 * Reads come from a local copy ({@link NameCache}): loaded with one range read at revision R, then
 * kept current by a watch from R + 1 ({@link PrefixWatch}), so a lookup is a map read. Writes are
 * etcd requests (check-and-set ones are transactions); each resolves only once the copy has
 * applied the write's revision, so a client sees its own change on its next call to this replica.
 * Leases are etcd leases: any replica can keep one alive or revoke it, and etcd deletes the names
 * of a lease that ends, which every replica's watch then applies.
 *
 * Probes ({@link Freshness}) measure how old the copy is; past `staleLimit` seconds reads are
 * refused rather than served from a copy that may be arbitrarily old.
 */
import { ChangeFeed } from "./change-feed.js";
import { NamingError } from "@pyrots/core";
import { NAMESERVER_NAME } from "@pyrots/core/internal";
import type { Etcd3, IKeyValue } from "etcd3";
import { type CachedName, encodeValue } from "./etcd-cache.js";
import { ReplicaCopy } from "./etcd-replica.js";
import type { EtcdRequests } from "./etcd-rpc.js";
import { DEFAULT_ETCD_PREFIX, type EtcdStorageOptions } from "./etcd-spec.js";
import { unknownLease } from "./local-leases.js";
import { type NameStorage, type Registration, type StorageFilter, type StorageHealth, uniqueTags } from "./types.js";

/** Deletes per transaction (etcd allows 128 operations in one). */
const DELETES_PER_TXN = 100;
const SET_METADATA_ATTEMPTS = 5;

/** Names served by every replica of one etcd cluster. */
export class EtcdStorage implements NameStorage {
  /** @inheritdoc */
  readonly kind = "etcd";
  /** @inheritdoc (fed by the watch: every replica sees every change, whichever replica made it) */
  readonly changes = new ChangeFeed();
  /** The cluster's client endpoints. */
  readonly endpoints: readonly string[];
  /** The key prefix (names live under `PREFIX/names/`). */
  readonly prefix: string;
  readonly #options: EtcdStorageOptions;
  /** The client and the copy, once {@link start} has loaded the etcd client. */
  #parts: { client: Etcd3; requests: EtcdRequests; copy: ReplicaCopy } | undefined;
  readonly #localNames: ReadonlySet<string>;
  readonly #local = new Map<string, Registration>();
  #started: Promise<void> | undefined;
  #closed = false;

  /** Connects lazily: call {@link start} before use (the name server does). */
  constructor(options: EtcdStorageOptions) {
    if (options.endpoints.length === 0) throw new NamingError("etcd storage needs at least one endpoint (HOST:PORT)");
    this.endpoints = [...options.endpoints];
    this.prefix = options.prefix ?? DEFAULT_ETCD_PREFIX;
    this.#options = options;
    this.#localNames = new Set(options.localNames ?? [NAMESERVER_NAME]);
  }

  /** Loads the etcd client and every name, and starts watching; NamingError when etcd cannot be reached. */
  start(): Promise<void> {
    this.#started ??= (async () => {
      // Loaded here, not at import: name servers on the other storages do without its ~18 MiB.
      const { EtcdRequests, etcdClient } = await import("./etcd-rpc.js");
      if (this.#closed) throw new NamingError("the etcd storage was closed before it started");
      const timeoutMs = (this.#options.requestTimeout ?? 5) * 1000;
      const client = etcdClient(this.endpoints, timeoutMs);
      const requests = new EtcdRequests(client, timeoutMs, this.endpoints.join(","));
      const copy = new ReplicaCopy(client, requests, {
        namesPrefix: `${this.prefix}/names/`,
        timeoutMs,
        heartbeatMs: (this.#options.heartbeat ?? 1) * 1000,
        staleLimit: this.#options.staleLimit ?? 30,
        onChange: () => this.changes.notify(),
      });
      this.#parts = { client, requests, copy };
      try {
        await copy.start();
      } catch (error) {
        const why = (error as Error).message;
        throw new NamingError(
          `cannot load the names from etcd at ${this.endpoints.join(",")}: ${why} (is the cluster up and the -s etcd: endpoint list right?)`,
          {
            cause: error,
          },
        );
      }
    })();
    return this.#started;
  }

  get #copy(): ReplicaCopy {
    if (this.#parts === undefined) throw new NamingError("this name server cannot vouch for its names: not connected to etcd yet");
    return this.#parts.copy;
  }

  get #requests(): EtcdRequests {
    if (this.#parts === undefined) throw new NamingError("the etcd storage is not started (call start() first)");
    return this.#parts.requests;
  }

  /** @inheritdoc */
  get(name: string): Registration | undefined {
    const local = this.#local.get(name);
    if (local !== undefined || this.#localNames.has(name)) return local;
    this.#copy.readable();
    return this.#copy.entry(name)?.registration;
  }

  /** @inheritdoc */
  async set(name: string, registration: Registration, onlyIfNew = false, lease?: string): Promise<boolean> {
    if (this.#localNames.has(name)) return this.#setLocal(name, registration, onlyIfNew, lease);
    if (lease !== undefined) checkLeaseId(lease);
    const key = this.#copy.keyOf(name);
    const value = encodeValue({ uri: registration.uri, metadata: uniqueTags(registration.metadata), registrant: registration.registrant });
    const put = { key, value, lease: lease ?? 0 };
    if (!onlyIfNew) {
      const response = await this.#requests.put(put, "registration", lease);
      await this.#copy.settle(Number(response.header.revision), "registration");
      return true;
    }
    const response = await this.#requests.txn(
      {
        compare: [{ key, target: "Create", result: "Equal", create_revision: 0 }],
        success: [{ request_put: put }],
        failure: [{ request_range: { key } }],
      },
      "registration",
      lease,
    );
    if (response.succeeded) {
      await this.#copy.settle(Number(response.header.revision), "registration");
      return true;
    }
    // Exactly this registration is already there: a retried request of ours, so not a conflict.
    const existing: IKeyValue | undefined = response.responses[0]?.response_range?.kvs[0];
    if (existing !== undefined && existing.value.equals(value) && existing.lease === (lease ?? "0")) {
      await this.#copy.settle(Number(existing.mod_revision), "registration");
      return true;
    }
    return false;
  }

  /** @inheritdoc */
  async setMetadata(name: string, metadata: readonly string[]): Promise<boolean> {
    if (this.#localNames.has(name)) {
      const old = this.#local.get(name);
      if (old !== undefined) this.#local.set(name, { ...old, metadata: uniqueTags(metadata) });
      return old !== undefined;
    }
    for (let attempt = 0; attempt < SET_METADATA_ATTEMPTS; attempt++) {
      this.#copy.readable();
      const cached = this.#copy.entry(name);
      if (cached === undefined) return false;
      const key = this.#copy.keyOf(name);
      const value = encodeValue({ uri: cached.registration.uri, metadata: uniqueTags(metadata), registrant: cached.registration.registrant }, cached.order);
      const response = await this.#requests.txn(
        {
          compare: [{ key, target: "Mod", result: "Equal", mod_revision: cached.modRevision }],
          success: [{ request_put: { key, value, ignore_lease: true } }],
          failure: [{ request_range: { key } }],
        },
        "metadata change",
      );
      if (response.succeeded) {
        await this.#copy.settle(Number(response.header.revision), "metadata change");
        return true;
      }
      const current: IKeyValue | undefined = response.responses[0]?.response_range?.kvs[0];
      if (current === undefined) return false;
      // Exactly the value asked for: a retried request of ours that had gone through.
      if (current.value.equals(value)) {
        await this.#copy.settle(Number(current.mod_revision), "metadata change");
        return true;
      }
      // Changed by someone else meanwhile: let the copy catch up, then try again on the new entry.
      await this.#copy.catchUp(Number(current.mod_revision));
    }
    throw new NamingError(`the metadata of ${name} kept changing under ${SET_METADATA_ATTEMPTS} attempts to set it; retry`);
  }

  /** @inheritdoc */
  async remove(names: Iterable<string>): Promise<number> {
    let removed = 0;
    const remote: string[] = [];
    for (const name of new Set(names)) {
      if (!this.#localNames.has(name)) remote.push(name);
      else if (this.#local.delete(name)) removed++;
    }
    let newest = 0;
    for (let start = 0; start < remote.length; start += DELETES_PER_TXN) {
      const chunk = remote.slice(start, start + DELETES_PER_TXN);
      const response = await this.#requests.txn(
        { compare: [], success: chunk.map((name) => ({ request_delete_range: { key: this.#copy.keyOf(name) } })) },
        "removal",
      );
      const deleted = response.responses.reduce((sum, r) => sum + Number(r.response_delete_range?.deleted ?? 0), 0);
      if (deleted > 0) newest = Number(response.header.revision);
      removed += deleted;
    }
    if (newest > 0) await this.#copy.settle(newest, "removal");
    return removed;
  }

  /** @inheritdoc */
  async removeIfUri(name: string, uri: string): Promise<boolean> {
    if (this.#localNames.has(name)) return this.#local.get(name)?.uri === uri && this.#local.delete(name);
    const cached = this.#copy.entry(name);
    if (cached === undefined || cached.registration.uri !== uri) return false;
    const key = this.#copy.keyOf(name);
    const response = await this.#requests.txn(
      { compare: [{ key, target: "Mod", result: "Equal", mod_revision: cached.modRevision }], success: [{ request_delete_range: { key } }] },
      "removal",
    );
    if (response.succeeded) await this.#copy.settle(Number(response.header.revision), "removal");
    return response.succeeded;
  }

  /** @inheritdoc */
  async grantLease(ttlSeconds: number): Promise<string> {
    return (await this.#requests.grant(ttlSeconds)).id;
  }

  /** @inheritdoc */
  keepAliveLease(lease: string): Promise<number> {
    checkLeaseId(lease);
    return this.#requests.keepAlive(lease);
  }

  /** @inheritdoc */
  async revokeLease(lease: string): Promise<boolean> {
    if (!validLeaseId(lease)) return false;
    const bound = [...this.#copy.entries()].some(([, entry]) => entry.registration.lease === lease);
    const revision = await this.#requests.revoke(lease);
    if (revision === undefined) return false;
    // Only a revocation that deleted names makes a revision under the prefix to wait for.
    if (bound) await this.#copy.settle(revision, "lease revocation");
    return true;
  }

  /** @inheritdoc */
  health(): StorageHealth {
    if (this.#parts === undefined) {
      return {
        state: "stale",
        storage: this.kind,
        detail: this.#closed ? "closed" : "not connected to etcd yet",
        age: -1,
        staleLimit: this.#options.staleLimit ?? 30,
      };
    }
    return this.#parts.copy.health();
  }

  /** @inheritdoc */
  count(): number {
    this.#copy.readable();
    let shadowed = 0;
    for (const name of this.#local.keys()) if (this.#copy.entry(name) !== undefined) shadowed++;
    return this.#local.size + this.#copy.size - shadowed;
  }

  /** @inheritdoc */
  list(filter: StorageFilter = {}): Map<string, Registration> {
    this.#copy.readable();
    const result = new Map<string, Registration>();
    const all = filter.metadataAll && new Set(filter.metadataAll);
    const any = filter.metadataAny && new Set(filter.metadataAny);
    const consider = (name: string, entry: Registration) => {
      if (filter.prefix !== undefined && !name.startsWith(filter.prefix)) return;
      if (all && ![...all].every((tag) => entry.metadata.includes(tag))) return;
      if (any && !entry.metadata.some((tag) => any.has(tag))) return;
      result.set(name, entry);
    };
    for (const [name, entry] of this.#local) consider(name, entry);
    const selected = this.#copy.select(filter);
    if (selected === undefined) {
      for (const [name, { registration }] of this.#copy.entries()) if (!this.#localNames.has(name)) consider(name, registration);
      return result;
    }
    // From the index: only the answer's names, put back in registration order.
    const found: [string, CachedName][] = [];
    for (const name of selected) {
      const cached = this.#localNames.has(name) ? undefined : this.#copy.entry(name);
      if (cached !== undefined) found.push([name, cached]);
    }
    found.sort((a, b) => a[1].order - b[1].order);
    for (const [name, { registration }] of found) result.set(name, registration);
    return result;
  }

  /** @inheritdoc */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#parts?.copy.close();
    this.#parts?.client.close();
  }

  #setLocal(name: string, registration: Registration, onlyIfNew: boolean, lease: string | undefined): boolean {
    if (lease !== undefined) throw new NamingError(`${name} is this name server's own entry and cannot be bound to a lease`);
    if (onlyIfNew && this.#local.has(name)) return false;
    this.#local.delete(name);
    const metadata = Object.freeze(uniqueTags(registration.metadata));
    this.#local.set(
      name,
      Object.freeze(
        registration.registrant === undefined ? { uri: registration.uri, metadata } : { uri: registration.uri, metadata, registrant: registration.registrant },
      ),
    );
    return true;
  }
}

/** Etcd lease ids are positive 64-bit integers, in decimal. */
function validLeaseId(lease: string): boolean {
  return /^[1-9][0-9]{0,18}$/.test(lease) && BigInt(lease) <= 0x7fffffffffffffffn;
}

function checkLeaseId(lease: string): void {
  if (!validLeaseId(lease)) throw unknownLease(lease);
}
