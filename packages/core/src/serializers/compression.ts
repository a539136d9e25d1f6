/**
 * Payload compression as Pyro4 does it (flag COMPRESSED, 0x02): zlib (RFC 1950) over the payload
 * only, and only for payloads of at least 200 bytes whose compressed form is smaller.
 */
import { createRequire } from "node:module";
import type * as Zlib from "node:zlib";
import { ProtocolError } from "../errors.js";

// node:zlib loads with the first payload to compress or inflate, not at start-up: compression is
// off unless configured. Built-in modules load synchronously through require.
const requireBuiltin = createRequire(import.meta.url);
let zlibModule: typeof Zlib | undefined;
const zlib = (): typeof Zlib => (zlibModule ??= requireBuiltin("node:zlib") as typeof Zlib);

/** Payloads shorter than this are never compressed (Pyro4's threshold). */
export const COMPRESSION_THRESHOLD = 200;

/** The zlib-compressed payload, or undefined when Pyro4's rule says to send it as is. */
export function compressPayload(data: Uint8Array): Buffer | undefined {
  if (data.length < COMPRESSION_THRESHOLD) return undefined;
  const compressed = zlib().deflateSync(data);
  return compressed.length < data.length ? compressed : undefined;
}

/**
 * Inflates a COMPRESSED payload to at most `maxBytes` (0 = no limit): inflating stops there, so
 * a small zlib bomb costs no more. ProtocolError beyond the limit or for data that is not zlib.
 */
export function decompressPayload(data: Uint8Array, maxBytes = 0): Buffer {
  try {
    return zlib().inflateSync(data, maxBytes > 0 ? { maxOutputLength: maxBytes } : undefined);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw new ProtocolError(`compressed payload inflates to more than ${maxBytes} bytes (the receiver's decode limit)`, { cause: error });
    }
    throw new ProtocolError(`cannot decompress payload: ${(error as Error).message}`, { cause: error });
  }
}
