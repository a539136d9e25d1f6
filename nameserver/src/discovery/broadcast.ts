/**
 * The name server's UDP broadcast responder (Pyro4-compatible): answers a datagram of exactly
 * `GET_NSURI` with the name server's URI text (ISO-8859-1), unicast to the asker; ignores
 * everything else. When the name server listens on every interface (URI host `0.0.0.0`/`::`), the
 * reply names the local address that reaches the asker.
 *
 * UDP source addresses can be forged, so the responder is careful about whom it answers: never a
 * broadcast, multicast or unspecified address or port 0 (a forged source would otherwise make it
 * broadcast to the whole network, with SO_BROADCAST set), and at most `maxRepliesPerSecond`
 * replies a second (a reflector for forged floods costs its victim little this way).
 */
import dgram from "node:dgram";
import { type AddressInfo, isIPv4 } from "node:net";
import os from "node:os";

import { URI } from "@pyrots/core";
import { BROADCAST_REQUEST, DEFAULT_NS_BCPORT, UNSPECIFIED_HOSTS } from "@pyrots/core/internal";
import { canonicalIp } from "../netutil.js";
import { TokenBucket } from "../rate.js";
import { interfaceAddressFor } from "./interfaces.js";

/** Options of {@link startBroadcastResponder}. */
export interface BroadcastResponderOptions {
  /** The name server's URI (its real, non-NAT one), as text or URI. */
  nsUri: URI | string;
  /** Address to bind (default `0.0.0.0`, or `::` for an IPv6 name server). */
  host?: string;
  /** UDP port to bind (default 9091; 0 picks a free one). */
  port?: number;
  /** Set SO_REUSEADDR (default true, as Pyro's `SOCK_REUSE`). */
  reuseAddr?: boolean;
  /** Replies sent per second at most, in bursts of as many (default 50); the rest are dropped. */
  maxRepliesPerSecond?: number;
}

/** A running broadcast responder. */
export interface BroadcastResponder extends AsyncDisposable {
  /** The bound address. */
  readonly address: AddressInfo;
  /** Requests answered so far. */
  readonly answered: number;
  /** Datagrams ignored so far (anything but `GET_NSURI`). */
  readonly ignored: number;
  /** `GET_NSURI` requests left unanswered: over the reply rate, or from an address never answered. */
  readonly refused: number;
  /** Stops answering and closes the socket. Idempotent. */
  close(): Promise<void>;
}

const REQUEST = Buffer.from(BROADCAST_REQUEST, "latin1");

/** Binds the responder's UDP socket (with SO_BROADCAST) and starts answering. */
export async function startBroadcastResponder(options: BroadcastResponderOptions): Promise<BroadcastResponder> {
  const nsUri = URI.from(options.nsUri);
  const ipv6 = (options.host ?? nsUri.host ?? "").includes(":");
  const host = options.host ?? (ipv6 ? "::" : "0.0.0.0");
  const socket = dgram.createSocket({ type: ipv6 ? "udp6" : "udp4", reuseAddr: options.reuseAddr ?? true });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(options.port ?? DEFAULT_NS_BCPORT, host, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  if (!ipv6) socket.setBroadcast(true);
  // A failed reply (the asker vanished) must not take the name server down.
  socket.on("error", () => {});
  const replies = new TokenBucket(options.maxRepliesPerSecond ?? 50);
  let answered = 0;
  let ignored = 0;
  let refused = 0;
  let closed = false;
  socket.on("message", (message, rinfo) => {
    if (!message.equals(REQUEST)) {
      ignored++;
      return;
    }
    if (!mayAnswer(rinfo.address, rinfo.port) || !replies.tryTake()) {
      refused++;
      return;
    }
    void replyText(nsUri, rinfo.address).then((text) => {
      if (closed) return;
      answered++;
      socket.send(Buffer.from(text, "latin1"), rinfo.port, rinfo.address, () => {});
    });
  });
  const address = socket.address();
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      closed = true;
      socket.close(() => resolve());
    });
    return closing;
  };
  return {
    address,
    get answered() {
      return answered;
    },
    get ignored() {
      return ignored;
    },
    get refused() {
      return refused;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** The URI text to send `asker`: the name server URI, with "every interface" made concrete. */
export async function replyText(nsUri: URI, asker: string): Promise<string> {
  if (nsUri.host === undefined || !UNSPECIFIED_HOSTS.has(nsUri.host)) return nsUri.toString();
  const local = await interfaceAddressFor(asker);
  if (local === undefined) return nsUri.toString();
  return new URI({ protocol: nsUri.protocol, object: nsUri.object, host: local, port: nsUri.port }).toString();
}

/**
 * Whether a reply may go to `address:port`: a unicast address and a real port. Broadcast (limited,
 * or of one of this machine's IPv4 subnets), multicast and unspecified addresses never.
 */
export function mayAnswer(address: string, port: number, interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): boolean {
  const ip = canonicalIp(address);
  if (ip === undefined || port <= 0 || port > 65535 || UNSPECIFIED_HOSTS.has(ip)) return false;
  if (!isIPv4(ip)) return !ip.startsWith("ff");
  const value = ipv4Value(ip);
  if (value >>> 28 === 0xe || value === 0xffffffff || value >>> 24 === 0) return false;
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (info.family !== "IPv4") continue;
      const mask = ipv4Value(info.netmask);
      // /31 and /32 subnets have no broadcast address.
      if (mask >>> 0 >= 0xfffffffe) continue;
      if (((value ^ ipv4Value(info.address)) & mask) === 0 && (value | mask) >>> 0 === 0xffffffff) return false;
    }
  }
  return true;
}

function ipv4Value(address: string): number {
  return address.split(".").reduce((value, part) => ((value << 8) | Number(part)) >>> 0, 0);
}
