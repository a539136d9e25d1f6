/**
 * Reading request bodies from hostile clients: a declared length over the limit is refused before
 * a byte is read, a chunked body is cut off as soon as it passes the limit, and JSON is checked for
 * nesting depth by a scan of its brackets before any parser builds a value from it.
 */
import type { IncomingMessage } from "node:http";
import { jsonSerializer } from "@pyrots/core/internal";
import { DEFAULT_DECODE_LIMITS } from "@pyrots/core/internal";
import { GatewayError } from "./errors.js";

/** Reads the whole body, at most `maxBytes`; GatewayError `too-large` past that. */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = request.headers["content-length"];
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
}

function tooLarge(maxBytes: number): GatewayError {
  // The rest of an oversized body is not read: the connection closes after the answer.
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
