/**
 * Payload compression as Pyro4 does it (flag COMPRESSED, 0x02): zlib (RFC 1950) over the payload
 * only, and only for payloads of at least 200 bytes whose compressed form is smaller.
 */
import { deflateSync, inflateSync } from "node:zlib";
import { ProtocolError } from "../errors.js";

/** Payloads shorter than this are never compressed (Pyro4's threshold). */
export const COMPRESSION_THRESHOLD = 200;

/** The zlib-compressed payload, or undefined when Pyro4's rule says to send it as is. */
export function compressPayload(data: Uint8Array): Buffer | undefined {
  if (data.length < COMPRESSION_THRESHOLD) return undefined;
  const compressed = deflateSync(data);
  return compressed.length < data.length ? compressed : undefined;
}

/** Inflates a COMPRESSED payload; ProtocolError when it is not valid zlib data. */
export function decompressPayload(data: Uint8Array, maxLength?: number): Buffer {
  try {
    return inflateSync(data, maxLength ? { maxOutputLength: maxLength } : undefined);
  } catch (error) {
    throw new ProtocolError(`cannot decompress payload: ${(error as Error).message}`, { cause: error });
  }
}
