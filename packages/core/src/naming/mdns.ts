/**
 * The client side of mDNS discovery: browse for `_pyro-ns._tcp` services and take the name
 * server URI from the first one's TXT record.
 */
import { performance } from "node:perf_hooks";
import type { Bonjour, Service } from "bonjour-service";

import { URI } from "../uri.js";
import { MDNS_BROWSE_SECONDS, MDNS_SERVICE_TYPE, MDNS_TXT_URI_KEY, NAMESERVER_NAME, UNSPECIFIED_HOSTS } from "./constants.js";

/** The outcome of {@link browseMdns}. */
export interface MdnsOutcome {
  /** The name server URI of the first service found, if any. */
  readonly uri?: URI;
  /** The service instance name it came from. */
  readonly service?: string;
  /** Why browsing could not run or found nothing usable (e.g. a socket error). */
  readonly error?: string;
  /** Seconds spent. */
  readonly seconds: number;
}

/**
 * The name server URI a found service stands for: the TXT `uri` when present, else
 * `Pyro.NameServer` at the service's address and port. A URI naming "every interface" gets the
 * address the answer came from.
 */
export function uriFromService(service: Pick<Service, "txt" | "port" | "addresses" | "referer">): URI | undefined {
  const txt = (service.txt ?? {}) as Record<string, unknown>;
  const text = txt[MDNS_TXT_URI_KEY];
  const fallbackHost = service.referer?.address ?? service.addresses?.find((a) => !a.includes(":")) ?? service.addresses?.[0];
  if (typeof text === "string") {
    const uri = URI.tryParse(text);
    if (uri === undefined || uri.protocol !== "PYRO") return undefined;
    if (uri.host === undefined || !UNSPECIFIED_HOSTS.has(uri.host)) return uri;
    return fallbackHost === undefined ? undefined : new URI({ protocol: "PYRO", object: uri.object, host: fallbackHost, port: uri.port });
  }
  if (fallbackHost === undefined || !service.port) return undefined;
  return new URI({ protocol: "PYRO", object: NAMESERVER_NAME, host: fallbackHost, port: service.port });
}

/** Browses mDNS for up to `seconds` and resolves with the first usable name server service. */
export async function browseMdns(seconds: number = MDNS_BROWSE_SECONDS): Promise<MdnsOutcome> {
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  let socketError: string | undefined;
  let bonjour: Bonjour;
  try {
    // Loaded on first use: most programs never browse mDNS, and its modules cost start-up time.
    const { Bonjour } = await import("bonjour-service");
    bonjour = new Bonjour({}, (error: Error) => (socketError ??= error.message));
  } catch (error) {
    return { error: (error as Error).message, seconds: elapsed() };
  }
  // multicast-dns emits "error" for EACCES/EADDRINUSE on port 5353, which would otherwise crash
  // the process: bonjour-service listens only for its own callback's errors.
  mdnsOf(bonjour)?.on("error", (error: Error) => (socketError ??= `${(error as NodeJS.ErrnoException).code ?? error.message}`));
  try {
    return await new Promise<MdnsOutcome>((resolve) => {
      const browser = bonjour.find({ type: MDNS_SERVICE_TYPE, protocol: "tcp" });
      const timer = setTimeout(() => {
        browser.stop();
        resolve({ error: socketError, seconds: elapsed() });
      }, seconds * 1000);
      browser.on("up", (service) => {
        const uri = uriFromService(service);
        if (uri === undefined) return;
        clearTimeout(timer);
        browser.stop();
        resolve({ uri, service: service.name, seconds: elapsed() });
      });
    });
  } finally {
    await new Promise<void>((resolve) => bonjour.destroy(() => resolve()));
  }
}

function mdnsOf(bonjour: Bonjour): { on(event: "error", listener: (error: Error) => void): unknown } | undefined {
  return (bonjour as unknown as { server?: { mdns?: { on(event: "error", listener: (error: Error) => void): unknown } } }).server?.mdns;
}
