/**
 * The gateway's view of the name server: looks names up (each answer reused for `lookupTtl`
 * seconds, concurrent lookups of one name shared), lists the exposed names with their metadata,
 * and keeps one name server proxy, found again when the name server stops answering.
 */
import { CommunicationError, NamingError, Proxy, type ProxyOptions, URI, type NameServerProxy, uriOf } from "@pyrots/core";
import { locateWithSettings, proxySettings, resolveName } from "@pyrots/core/internal";
import type { NameEntry, NameListing } from "../../browser/protocol.js";
import { GatewayError } from "./errors.js";

export type { NameEntry, NameListing };
import type { GatewaySettings } from "./options.js";

/** Lookups remembered at most (the oldest are forgotten first). */
const MAX_CACHED = 10_000;

interface Cached {
  readonly uri: URI | undefined;
  readonly expires: number;
}

/** Name lookups and listings through one name server. */
export class NameDirectory implements AsyncDisposable {
  private ns: Promise<NameServerProxy> | undefined;
  private readonly cache = new Map<string, Cached>();
  private readonly pending = new Map<string, Promise<URI | undefined>>();
  private readonly nsOptions: ProxyOptions;

  constructor(private readonly settings: GatewaySettings) {
    this.nsOptions = { ...settings.proxyOptions, timeout: settings.timeout > 0 ? settings.timeout : 10 };
  }

  /** The `PYRO:` URI registered for `name`: GatewayError `not-found` if none. */
  async lookup(name: string, fresh = false): Promise<URI> {
    const cached = this.cache.get(name);
    let uri: URI | undefined;
    if (!fresh && cached && cached.expires > Date.now()) {
      uri = cached.uri;
    } else {
      let pending = this.pending.get(name);
      if (!pending) {
        pending = this.fetch(name).finally(() => this.pending.delete(name));
        this.pending.set(name, pending);
      }
      uri = await pending;
    }
    if (uri === undefined) throw new GatewayError("not-found", `unknown name: ${name}`, "the name server has no such name");
    return uri;
  }

  /** Forgets what is known about `name`, so that the next lookup asks the name server. */
  invalidate(name: string): void {
    this.cache.delete(name);
  }

  /** The exposed names with their URIs and metadata tags. */
  async list(): Promise<NameListing> {
    const { expose, exposeMatcher, maxListed } = this.settings;
    const { raw, nameserver } = await this.withNameServer(async (ns) => ({
      raw: await ns.list(null, expose, null, null, true),
      nameserver: String(uriOf(ns)),
    }));
    const entries: NameEntry[] = [];
    if (raw !== null && typeof raw === "object") {
      for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
        if (!exposeMatcher.test(name)) continue;
        const [uri, tags] = Array.isArray(value) ? value : [value, []];
        entries.push({ name, uri: String(uri), metadata: Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string").sort() : [] });
      }
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { nameserver, pattern: expose, names: entries.slice(0, maxListed), total: entries.length };
  }

  /** The name server's URI, once it has answered a ping. */
  async nameServerUri(): Promise<string> {
    return this.withNameServer(async (ns) => {
      await ns.ping();
      return String(uriOf(ns));
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const ns = this.ns;
    this.ns = undefined;
    await ns?.then(
      (proxy) => proxy[Symbol.asyncDispose](),
      () => undefined,
    );
  }

  private async fetch(name: string): Promise<URI | undefined> {
    let found: unknown;
    try {
      found = await this.withNameServer((ns) => ns.lookup(name));
    } catch (error) {
      if (error instanceof NamingError && error.message.startsWith("unknown name")) {
        this.remember(name, undefined);
        return undefined;
      }
      throw error;
    }
    let uri: URI;
    try {
      uri = found instanceof URI ? found : URI.parse(String(found as string));
    } catch {
      throw new GatewayError("unreachable", `the name server has no usable URI for ${name}`, "the registered value is not a URI");
    }
    if (uri.protocol !== "PYRO")
      throw new GatewayError("unreachable", `the name server has no usable URI for ${name}`, `registered as ${uri}, not a PYRO: URI`);
    this.remember(name, uri);
    return uri;
  }

  private remember(name: string, uri: URI | undefined): void {
    if (this.settings.lookupTtl <= 0) return;
    this.cache.delete(name);
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(name, { uri, expires: Date.now() + this.settings.lookupTtl * 1000 });
  }

  /** Runs `use` with the name server proxy; a name server that cannot be reached is found again next time. */
  private async withNameServer<T>(use: (ns: NameServerProxy) => Promise<T>): Promise<T> {
    const current = (this.ns ??= this.connect());
    let ns: NameServerProxy;
    try {
      ns = await current;
    } catch (error) {
      if (this.ns === current) this.ns = undefined;
      throw nameServerDown(error);
    }
    try {
      return await use(ns);
    } catch (error) {
      if (!(error instanceof CommunicationError)) throw error;
      if (this.ns === current) {
        this.ns = undefined;
        await Promise.resolve(ns[Symbol.asyncDispose]()).catch(() => undefined);
      }
      throw nameServerDown(error);
    }
  }

  private async connect(): Promise<NameServerProxy> {
    const where = this.settings.nameServer;
    if (where.uri !== undefined) return new Proxy<never>(where.uri, this.nsOptions) as unknown as NameServerProxy;
    const settings = proxySettings(this.nsOptions, resolveName);
    return locateWithSettings(settings, { host: where.host, port: where.port, broadcast: where.broadcast, mdns: where.mdns });
  }
}

function nameServerDown(error: unknown): GatewayError {
  return new GatewayError("nameserver-unreachable", "the name server could not be reached", error instanceof Error ? error.message : String(error));
}
