/**
 * Agreeing on sealed signing (see `hmac.ts`) between pyrots peers that share an `HMAC_KEY`.
 *
 * Pyro4's HMAC leaves the header and the annotation ids unsigned, so an annotation cannot carry
 * the offer: an attacker could rename or drop it unnoticed. The offer travels inside the handshake
 * payloads instead, which Pyro4's HMAC does cover (and a truncated or extended msgpack or json
 * value does not decode):
 *
 * 1. a pyrots proxy with a key adds `pyrots_seal: <nonce>` to its CONNECT data (a map; Pyro4
 *    daemons ignore keys they do not know);
 * 2. a pyrots daemon with a key answers such a CONNECT with the `META_ON_CONNECT` flag and a map
 *    that has `pyrots_seal: <its nonce>` beside `handshake` (and `meta` when asked for);
 * 3. every later message on the connection, both ways, is sealed with the session key.
 *
 * Each side decides from what it received under Pyro4's HMAC, so a downgrade cannot go unnoticed:
 * if either message were altered, the two sides would sign differently and the next message fails.
 * Nonces are 16 random bytes as 32 lowercase hex digits.
 */
import { randomBytes } from "node:crypto";
import { sessionKey } from "./hmac.js";

/** The handshake map key that carries a side's nonce. */
export const SEAL_KEY = "pyrots_seal";

/** A fresh nonce, as sent. */
export function newSealNonce(): string {
  return randomBytes(16).toString("hex");
}

/** The nonce in a handshake map from the peer, or undefined when there is none or it is malformed. */
export function sealNonceIn(data: unknown): string | undefined {
  if (typeof data !== "object" || data === null || Array.isArray(data) || !Object.hasOwn(data, SEAL_KEY)) return undefined;
  const nonce = (data as Record<string, unknown>)[SEAL_KEY];
  return typeof nonce === "string" && /^[0-9a-f]{32}$/.test(nonce) ? nonce : undefined;
}

/** The session key both sides derive from the shared key and the two nonces. */
export function sealKeyFor(sharedKey: Uint8Array, proxyNonce: string, daemonNonce: string): Buffer {
  return sessionKey(sharedKey, Buffer.from(proxyNonce, "hex"), Buffer.from(daemonNonce, "hex"));
}
