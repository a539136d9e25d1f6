/**
 * Reading request bodies from hostile clients: a declared length over the limit is refused before
 * a byte is read, a chunked body is cut off as soon as it passes the limit, and JSON is checked for
 * nesting depth by a scan of its brackets before any parser builds a value from it.
 */
import type { IncomingMessage } from "node:http";
import { jsonSerializer } from "@pyrots/core/internal";
import { DEFAULT_DECODE_LIMITS } from "@pyrots/core/internal";
import { GatewayError } from "./errors.js";

/** How long, and how many bytes, the rest of an oversized body is read and dropped before the connection closes. */
const LINGER_MS = 2000;
const LINGER_BYTES = 4 * 2 ** 20;

/** Reads the whole body, at most `maxBytes`; GatewayError `too-large` past that. */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = request.headers["content-length"];
    if (declared !== undefined && Number(declared) > maxBytes) {
      lingerThenClose(request);
      reject(tooLarge(maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      request.off("data", onData);
      request.off("end", onEnd);
      chunks.length = 0;
      lingerThenClose(request);
      reject(tooLarge(maxBytes));
    };
    const onEnd = () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length));
    request.on("data", onData);
    request.once("end", onEnd);
    request.once("error", reject);
  });
}

/**
 * Closes the connection of an oversized body gently. Node's server destroys a socket as soon as
 * its last answer is written; with the client's bytes still unread, the kernel then resets the
 * connection, and a client that is still sending fails its write and drops the 413 unread. So
 * here the answer is followed by a half close, what still comes is read and dropped (up to
 * LINGER_BYTES), then no longer read, so the client's writes stall instead of failing while it
 * reads the answer; the socket is destroyed after LINGER_MS. Bounded in time and bytes, so an
 * endless body still ends soon.
 */
function lingerThenClose(request: IncomingMessage): void {
  const socket = request.socket;
  let dropped = 0;
  request.on("data", (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > LINGER_BYTES) request.pause();
  });
  request.resume();
  socket.destroySoon = () => {
    if (socket.writable) socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError("too-large", `request body larger than ${maxBytes} bytes`, undefined, { connection: "close" });
}

/**
 * The deepest nesting of arrays and objects in JSON text (brackets inside strings do not count).
 * Stops early, returning a value over `limit`, as soon as the limit is passed.
 */
export function jsonDepth(text: Buffer, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/**
 * Parses JSON from an HTTP client the way pyrots' json serializer reads a payload (Python's `NaN`
 * and `Infinity`, big integers as bigint, `{"data", "encoding": "base64"}` as bytes, Pyro class
 * dicts as inert values), after checking its depth. `what` names the text in error messages.
 */
export function parseJson(text: Buffer, maxDepth: number, what: string): unknown {
  if (jsonDepth(text, maxDepth) > maxDepth) throw new GatewayError("bad-request", `${what} is nested deeper than ${maxDepth} levels`);
  try {
    return jsonSerializer.decode(text, { limits: { ...DEFAULT_DECODE_LIMITS, maxDepth } });
  } catch (error) {
    throw new GatewayError("bad-request", `${what} is not valid JSON: ${(error as Error).message}`);
  }
}
