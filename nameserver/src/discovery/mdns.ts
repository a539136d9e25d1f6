/**
 * The name server's mDNS (DNS-SD) advertisement: service `_pyro-ns._tcp` on its TCP port, with
 * its URI in the TXT record `uri`. pyrots clients browse for it in `locateNS()`; a URI naming
 * every interface (`0.0.0.0`) is completed by the client with the address the answer came from.
 */
import os from "node:os";

import { URI } from "@pyrots/core";
import { MDNS_SERVICE_TYPE, MDNS_TXT_URI_KEY } from "@pyrots/core/internal";
import type { Service } from "bonjour-service";

/** Options of {@link advertiseMdns}. */
export interface MdnsOptions {
  /** The name server's URI; it must be a TCP one (mDNS advertises host and port). */
  nsUri: URI | string;
  /** The service instance name (default `pyro-ns on HOSTNAME port PORT`, unique per name server). */
  name?: string;
  /** Seconds to wait for the announcement before resolving anyway (default 3). */
  announceTimeout?: number;
}

/** A running advertisement. */
export interface MdnsAdvertisement extends AsyncDisposable {
  /** The advertised service instance name. */
  readonly name: string;
  /** The last mDNS socket error, if any (advertising then does not reach the network). */
  readonly error: string | undefined;
  /** Sends goodbye packets, stops answering and closes the mDNS socket. Idempotent. */
  close(): Promise<void>;
}

/** Publishes the name server over mDNS; resolves once announced (or after `announceTimeout`). */
export async function advertiseMdns(options: MdnsOptions): Promise<MdnsAdvertisement> {
  const nsUri = URI.from(options.nsUri);
  if (nsUri.port === undefined) throw new Error(`mDNS can only advertise a TCP name server, not ${nsUri}`);
  // bonjour-service turns dots into dashes anyway; doing it here keeps `name` truthful.
  const name = (options.name ?? `pyro-ns on ${os.hostname()} port ${nsUri.port}`).split(".").join("-");
  let error: string | undefined;
  // Loaded on first use: a name server started without mDNS never needs its modules.
  const { Bonjour } = await import("bonjour-service");
  const bonjour = new Bonjour({}, (e: Error) => (error = e.message));
  // multicast-dns emits "error" for EACCES/EADDRINUSE, which would otherwise crash the process.
  (bonjour as unknown as { server?: { mdns?: NodeJS.EventEmitter } }).server?.mdns?.on("error", (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
  const service: Service = bonjour.publish({ name, type: MDNS_SERVICE_TYPE, protocol: "tcp", port: nsUri.port, txt: { [MDNS_TXT_URI_KEY]: nsUri.toString() } });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, (options.announceTimeout ?? 3) * 1000);
    service.once("up", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      bonjour.unpublishAll(() => bonjour.destroy(() => resolve()));
    });
    return closing;
  };
  return {
    name,
    get error() {
      return error;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
