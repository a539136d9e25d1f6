/**
 * Who is in a pool: a fixed list of URIs, or the names a name server holds under a prefix or with
 * some tags, kept current without asking on every call:
 *
 * - a pyrots name server is asked with `watch`, a long poll that answers as soon as the selection
 *   changes (with the etcd storage, whichever replica the change was made on);
 * - a name server without `watch` (Python Pyro4's or Pyro5's) is listed every `refresh` seconds.
 *
 * The watch runs through a {@link NameServiceClient}, so it moves to another replica when the one
 * it uses fails; failures are reported and retried with a backoff (at most 5 s apart). Its
 * connections never keep the process alive.
 */
import { debugLog } from "../debug.js";
import { NamingError } from "../errors.js";
import type { NameServerProxy } from "../naming/api.js";
import type { NameServiceClient } from "../naming/replicas.js";
import { metadataOf, withOptions } from "../proxy/proxy.js";
import type { URI } from "../uri.js";
import type { Clock } from "./clock.js";
import { type WorkerEntry, parseListing } from "./listing.js";

const log = debugLog("pyrots:pool");

/** Receives the whole membership each time it changes. */
export type MembershipSink = (workers: ReadonlyMap<string, WorkerEntry>) => void;

/** Where a pool's workers come from. */
export interface MembershipSource {
  /** Starts delivering the membership to `sink`; `report` hears of failures (which are retried). */
  start(sink: MembershipSink, report: (error: unknown) => void): void;
  /** Stops. Idempotent. */
  close(): void;
  /** What the pool stands for, for messages: `names under "worker."` and so on. */
  readonly description: string;
}

/** A fixed list of workers, named by their URIs. */
export class StaticMembership implements MembershipSource {
  readonly description: string;
  constructor(private readonly uris: readonly URI[]) {
    this.description = `the ${uris.length} URIs given`;
  }
  start(sink: MembershipSink): void {
    sink(new Map(this.uris.map((uri) => [uri.toString(), { uri, tags: [] }])));
  }
  close(): void {}
}

/** Which names a name server pool takes: those under a prefix, or those with every one of some tags. */
export type NameFilter = { readonly prefix: string } | { readonly metadataAll: readonly string[] };

/** The workers a name service lists, kept current. */
export class NameServerMembership implements MembershipSource {
  readonly description: string;
  private closed = false;
  private version: string | null = null;

  constructor(
    private readonly client: NameServiceClient,
    private readonly filter: NameFilter,
    private readonly options: { readonly watchWait: number; readonly refresh: number; readonly clock: Clock },
  ) {
    this.description = "prefix" in filter ? `names under ${JSON.stringify(filter.prefix)}` : `names with the tags ${JSON.stringify(filter.metadataAll)}`;
  }

  start(sink: MembershipSink, report: (error: unknown) => void): void {
    void this.loop(sink, report);
  }

  close(): void {
    this.closed = true;
    this.client.close();
  }

  private async loop(sink: MembershipSink, report: (error: unknown) => void): Promise<void> {
    let failures = 0;
    let first = true;
    while (!this.closed) {
      try {
        const { names, polled } = await this.ask(first);
        if (this.closed) return;
        if (names !== null) {
          const { workers, skipped } = parseListing(names);
          if (skipped > 0 && log.enabled) log(`${this.description}: ${skipped} unusable entries skipped`);
          sink(workers);
        }
        first = false;
        failures = 0;
        if (polled) await this.options.clock.sleep(this.options.refresh * 1000);
      } catch (error) {
        if (this.closed) return;
        failures++;
        report(error);
        await this.options.clock.sleep(Math.min(5000, 100 * 2 ** Math.min(failures, 6)));
      }
    }
  }

  /** One question to the name service: a watch (the first answers at once), or a listing where there is no watch. */
  private ask(first: boolean): Promise<{ names: unknown; polled: boolean }> {
    const filter = this.filter;
    const prefix = "prefix" in filter ? filter.prefix : null;
    const tags = "metadataAll" in filter ? filter.metadataAll : null;
    return this.client.use(async (ns) => {
      const methods = metadataOf(ns)?.methods ?? [];
      if (!methods.includes("watch")) {
        this.version = null;
        return { names: await listWithoutWatch(withOptions(ns, { timeout: 30 }), prefix, tags, methods.includes("yplookup")), polled: true };
      }
      const wait = first ? 0 : this.options.watchWait;
      const reply: unknown = await withOptions(ns, { timeout: wait + 30 }).watch(prefix, tags, null, this.version, wait);
      if (typeof reply !== "object" || reply === null || typeof (reply as { version?: unknown }).version !== "string") {
        throw new NamingError("the name server's watch answer has no version: is it a pyrots name server?");
      }
      const { version, names } = reply as { version: string; names?: unknown };
      if (version.length > 200) throw new NamingError("the name server's watch answer has an oversized version");
      this.version = version;
      return { names: names ?? null, polled: false };
    });
  }
}

/**
 * The selection from a Python name server, which has no `watch`. Pyro4's `list` filters by prefix
 * and tags (`list(prefix, regex, metadata_all, metadata_any, return_metadata)`); Pyro5's has no tag
 * arguments (`list(prefix, regex, return_metadata)`) and answers tags with `yplookup`, which
 * Pyro4's lacks. Both answer `{name: (uri, tags)}`.
 */
function listWithoutWatch(ns: NameServerProxy, prefix: string | null, tags: readonly string[] | null, hasYplookup: boolean): Promise<unknown> {
  if (!hasYplookup) return ns.list(prefix, null, tags, null, true);
  if (tags !== null) return ns.yplookup(tags, null, true);
  // Pyro5's signature, which the typed (Pyro4-shaped) API does not describe.
  const pyro5 = ns as unknown as { list(prefix: string | null, regex: null, returnMetadata: true): Promise<unknown> };
  return pyro5.list(prefix, null, true);
}
