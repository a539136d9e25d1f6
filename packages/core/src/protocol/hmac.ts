/**
 * Pyro4's message signing: the `HMAC` annotation holds HMAC-SHA1(key) over the payload bytes as
 * sent (compressed or not), then the values of every other annotation in sorted id order.
 * (Pyro5 dropped this in favour of TLS; Pyro4 peers still use it.)
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { SecurityError } from "../errors.js";
import { Annotation } from "./constants.js";
import type { Annotations, Message } from "./message.js";

/** Length of an HMAC-SHA1 digest. */
export const HMAC_SIZE = 20;

/** The HMAC of a payload (one buffer, or its parts in order) and its other annotations. */
export function computeHmac(key: Uint8Array, data: Uint8Array | readonly Uint8Array[], annotations: Annotations | undefined): Buffer {
  const mac = createHmac("sha1", key);
  if (data instanceof Uint8Array) mac.update(data);
  else for (const part of data) mac.update(part);
  if (annotations && annotations.size > 0) {
    const ids = [...annotations.keys()].filter((id) => id !== Annotation.HMAC).sort();
    for (const id of ids) mac.update(annotations.get(id)!);
  }
  return mac.digest();
}

/**
 * Checks a received message against the key (or the absence of one), throwing Pyro4's
 * SecurityErrors: "message hmac mismatch", "hmac key config not symmetric".
 */
export function verifyHmac(message: Message, key: Uint8Array | undefined): void {
  const received = message.annotations?.get(Annotation.HMAC);
  if (received === undefined && key === undefined) return;
  if (received === undefined || key === undefined) throw new SecurityError("hmac key config not symmetric");
  const expected = computeHmac(key, message.data, message.annotations);
  if (received.byteLength !== expected.length || !timingSafeEqual(received, expected)) throw new SecurityError("message hmac mismatch");
}
