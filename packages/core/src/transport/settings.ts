/**
 * The settings every endpoint (a proxy or a daemon) needs to put messages on the wire and take
 * them off: built once from the configuration, immutable, and passed down whole, so that no
 * layer reads the environment or a module-level flag at call time.
 */
import type { PyroConfig } from "../config.js";
import type { MessageSigning } from "../protocol/hmac.js";
import { type DecodeLimits, HANDSHAKE_DECODE_LIMITS, decodeContextWithin } from "../serializers/types.js";
import type { ReceiveLimits } from "./connection.js";

/** Framing, signing, compression and decoding settings of one endpoint. */
export interface WireSettings {
  /** The configuration the settings were built from. */
  readonly config: PyroConfig;
  /** Pyro4 HMAC key signing every message, if set. */
  readonly hmacKey: Buffer | undefined;
  /** Pyro4 HMAC signing under {@link hmacKey}, if set (connections may move on to sealed signing). */
  readonly signing: MessageSigning | undefined;
  /** Size and time limits for what peers send. */
  readonly receiveLimits: ReceiveLimits;
  /** zlib-compress larger payloads (Pyro's `COMPRESSION`). */
  readonly compress: boolean;
  /** Largest message accepted (annotations + payload); 0 = no limit. */
  readonly maxMessageSize: number;
  /** Limits for decoding payloads from peers past their handshake. */
  readonly decodeLimits: DecodeLimits;
  /** The smaller limits for the handshake messages (CONNECT, CONNECTOK/CONNECTFAIL). */
  readonly handshakeDecodeLimits: DecodeLimits;
}

/** The wire settings of `config`. */
export function wireSettings(config: PyroConfig): WireSettings {
  const hmacKey = config.hmacKey ? Buffer.from(config.hmacKey, "utf8") : undefined;
  return Object.freeze({
    config,
    hmacKey,
    signing: hmacKey ? Object.freeze({ key: hmacKey, sealed: false }) : undefined,
    receiveLimits: Object.freeze({ maxMessageSize: config.maxMessageSize, messageTimeout: config.messageTimeout }),
    compress: config.compression,
    maxMessageSize: config.maxMessageSize,
    // The byte limit (also the cap for inflating compressed payloads) follows MAX_MESSAGE_SIZE.
    decodeLimits: decodeContextWithin(config.maxMessageSize).limits,
    handshakeDecodeLimits: decodeContextWithin(config.maxMessageSize, HANDSHAKE_DECODE_LIMITS).limits,
  });
}
