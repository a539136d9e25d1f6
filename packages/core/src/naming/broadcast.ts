/**
 * The client side of Pyro's UDP discovery: send `GET_NSURI` to each broadcast address, a few
 * rounds, and take the first datagram that holds a `PYRO:` URI.
 */
import dgram from "node:dgram";
import { performance } from "node:perf_hooks";

import { URI } from "../uri.js";
import { BROADCAST_REPLY_MAX, BROADCAST_REQUEST, BROADCAST_ROUNDS, BROADCAST_ROUND_SECONDS, UNSPECIFIED_HOSTS } from "./constants.js";

/** What to broadcast where. */
export interface BroadcastQuery {
  /** Destination addresses; `<broadcast>` means 255.255.255.255 (Pyro's name for it). */
  readonly addresses: readonly string[];
  /** UDP port of the responders. */
  readonly port: number;
  /** Rounds to send (default 3). */
  readonly rounds?: number;
  /** Seconds to wait for an answer after each round (default 0.7). */
  readonly roundSeconds?: number;
}

/** The outcome of {@link queryBroadcast}. */
export interface BroadcastOutcome {
  /** The name server URI from the first valid reply, if any. */
  readonly uri?: URI;
  /** Who sent that reply, `address:port`. */
  readonly from?: string;
  /** The destinations actually used, as `address:port`. */
  readonly targets: readonly string[];
  /** The last send error by destination (`address:port` → e.g. `ENETUNREACH`). */
  readonly sendErrors: ReadonlyMap<string, string>;
  /** Replies that were not a usable URI and were ignored. */
  readonly ignoredReplies: number;
  /** Seconds spent. */
  readonly seconds: number;
}

/** Pyro's `<broadcast>` and bare names mapped to the address that is really sent to. */
export function broadcastTarget(address: string): string {
  const trimmed = address.trim();
  return trimmed === "<broadcast>" ? "255.255.255.255" : trimmed;
}

/** The URI in a broadcast reply, or undefined when the datagram is not one (too long, not a PYRO URI). */
export function parseBroadcastReply(message: Buffer, senderAddress: string): URI | undefined {
  if (message.length === 0 || message.length > BROADCAST_REPLY_MAX) return undefined;
  const uri = URI.tryParse(message.toString("latin1"));
  if (uri === undefined || uri.protocol !== "PYRO") return undefined;
  // A responder that could not name its interface leaves "every interface": the sender is it.
  if (uri.host !== undefined && UNSPECIFIED_HOSTS.has(uri.host)) return new URI({ protocol: "PYRO", object: uri.object, host: senderAddress, port: uri.port });
  return uri;
}

/**
 * Broadcasts `GET_NSURI` and resolves with the first valid reply, or with no URI after the last
 * round. Send errors (a host with only a loopback interface answers ENETUNREACH for
 * 255.255.255.255) are recorded and tolerated, unlike Pyro4, so that discovery can fall back.
 */
export async function queryBroadcast(query: BroadcastQuery): Promise<BroadcastOutcome> {
  const rounds = query.rounds ?? BROADCAST_ROUNDS;
  const waitMs = (query.roundSeconds ?? BROADCAST_ROUND_SECONDS) * 1000;
  const targets = [...new Set(query.addresses.map(broadcastTarget).filter((a) => a !== "" && !a.includes(":")))];
  const started = performance.now();
  const sendErrors = new Map<string, string>();
  let ignoredReplies = 0;
  const request = Buffer.from(BROADCAST_REQUEST, "latin1");
  const outcome = (found?: { uri: URI; from: string }): BroadcastOutcome => ({
    ...found,
    targets: targets.map((t) => `${t}:${query.port}`),
    sendErrors,
    ignoredReplies,
    seconds: (performance.now() - started) / 1000,
  });
  if (targets.length === 0) return outcome();
  const socket = dgram.createSocket({ type: "udp4" });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    // Late errors (e.g. ICMP port unreachable) must not crash the process; sends report their own.
    socket.on("error", () => {});
    socket.setBroadcast(true);
    return await new Promise<BroadcastOutcome>((resolve) => {
      let round = 0;
      let timer: NodeJS.Timeout | undefined;
      socket.on("message", (message, rinfo) => {
        const uri = parseBroadcastReply(message, rinfo.address);
        if (uri === undefined) {
          ignoredReplies++;
          return;
        }
        clearTimeout(timer);
        resolve(outcome({ uri, from: `${rinfo.address}:${rinfo.port}` }));
      });
      const sendRound = (): void => {
        if (round++ >= rounds) return resolve(outcome());
        for (const target of targets) {
          socket.send(request, query.port, target, (error) => {
            if (!error) return;
            sendErrors.set(`${target}:${query.port}`, (error as NodeJS.ErrnoException).code ?? error.message);
          });
        }
        timer = setTimeout(sendRound, waitMs);
      };
      sendRound();
    });
  } finally {
    socket.close();
  }
}
