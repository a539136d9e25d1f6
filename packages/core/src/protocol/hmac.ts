/**
 * Message signing with a shared key, in two forms that use the same `HMAC` annotation (20 bytes):
 *
 * - **Pyro4's**: HMAC-SHA1(key) over the payload bytes as sent (compressed or not), then the values
 *   of every other annotation in sorted id order. It covers neither the header (type, flags,
 *   sequence number) nor the annotation ids and lengths. (Pyro5 dropped it in favour of TLS;
 *   Pyro4 peers still use it.)
 * - **sealed** (pyrots peers only, agreed in the handshake, see `handshake-seal.ts`): the first 20
 *   bytes of HMAC-SHA256(session key) over one unambiguous encoding of the whole message:
 *
 *   | bytes | content                                                              |
 *   | ----: | -------------------------------------------------------------------- |
 *   |     2 | message type                                                         |
 *   |     2 | flags                                                                |
 *   |     2 | sequence number                                                      |
 *   |     2 | serializer id                                                        |
 *   |     4 | payload length                                                       |
 *   |     n | payload (as sent)                                                    |
 *   |   ... | every annotation but `HMAC`, in wire order: 4-byte id, u16 length, value |
 *
 *   The session key mixes the shared key with a random nonce from each side, so a sealed message
 *   is valid on its own connection only.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { SecurityError } from "../errors.js";
import { Annotation, HEADER_SIZE } from "./constants.js";
import type { Annotations, Message } from "./message.js";

/** Length of the `HMAC` annotation value, in both forms. */
export const HMAC_SIZE = 20;

/** How a connection signs and checks messages. */
export interface MessageSigning {
  /** The key: the shared `HMAC_KEY` (Pyro4 form) or a session key (sealed form). */
  readonly key: Uint8Array;
  /** True for the sealed form. */
  readonly sealed: boolean;
}

/** The HMAC of a payload (one buffer, or its parts in order) and its other annotations, Pyro4's way. */
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

/** The sealed MAC of a message given by its fields; `annotations` in wire order (an `HMAC` entry is skipped). */
export function sealedMac(
  key: Uint8Array,
  type: number,
  flags: number,
  seq: number,
  serializerId: number,
  data: Uint8Array | readonly Uint8Array[],
  annotations: Annotations | undefined,
): Buffer {
  const mac = createHmac("sha256", key);
  let dataLength = 0;
  if (data instanceof Uint8Array) dataLength = data.byteLength;
  else for (const part of data) dataLength += part.byteLength;
  mac.update(sealPrefix(type, flags, seq, serializerId, dataLength));
  if (data instanceof Uint8Array) mac.update(data);
  else for (const part of data) mac.update(part);
  if (annotations) {
    for (const [id, value] of annotations) {
      if (id === Annotation.HMAC) continue;
      const head = Buffer.allocUnsafe(6);
      head.write(id, 0, 4, "latin1");
      head.writeUInt16BE(value.byteLength, 4);
      mac.update(head);
      mac.update(value);
    }
  }
  return mac.digest().subarray(0, HMAC_SIZE);
}

function sealPrefix(type: number, flags: number, seq: number, serializerId: number, dataLength: number): Buffer {
  const prefix = Buffer.allocUnsafe(12);
  prefix.writeUInt16BE(type, 0);
  prefix.writeUInt16BE(flags, 2);
  prefix.writeUInt16BE(seq, 4);
  prefix.writeUInt16BE(serializerId, 6);
  prefix.writeUInt32BE(dataLength, 8);
  return prefix;
}

/**
 * Checks a received message against the signing in force (or its absence), throwing Pyro4's
 * SecurityErrors: "message hmac mismatch", "hmac key config not symmetric".
 */
export function verifyHmac(message: Message, signing: MessageSigning | undefined): void {
  const received = message.annotations?.get(Annotation.HMAC);
  if (received === undefined && signing === undefined) return;
  if (received === undefined || signing === undefined) throw new SecurityError("hmac key config not symmetric");
  const expected = signing.sealed
    ? sealedMac(signing.key, message.type, message.flags, message.seq, message.serializerId, message.data, message.annotations)
    : computeHmac(signing.key, message.data, message.annotations);
  if (received.byteLength !== expected.length || !timingSafeEqual(received, expected)) throw new SecurityError("message hmac mismatch");
}

/**
 * Signs an encoded frame in place: computes the MAC of its current header, annotations and payload
 * and writes it into the frame's `HMAC` annotation, which must be there already (any value).
 * `frame` is one buffer, or a head (header and annotations, perhaps the payload's start) followed
 * by the payload's other parts. Used by proxies, whose frames get their sequence number as they leave.
 */
export function signFrame(frame: Buffer | readonly Buffer[], signing: MessageSigning): void {
  const head = Buffer.isBuffer(frame) ? frame : frame[0];
  const annLength = head.readUInt16BE(18);
  const annEnd = HEADER_SIZE + annLength;
  let slot = -1;
  const others: Annotations = new Map();
  for (let at = HEADER_SIZE; at + 6 <= annEnd; ) {
    const id = head.toString("latin1", at, at + 4);
    const length = head.readUInt16BE(at + 4);
    if (id === Annotation.HMAC) slot = at + 6;
    else others.set(id, head.subarray(at + 6, at + 6 + length));
    at += 6 + length;
  }
  if (slot < 0 || head.readUInt16BE(slot - 2) !== HMAC_SIZE) throw new SecurityError("frame to sign has no HMAC annotation");
  const data: Buffer[] = [head.subarray(annEnd)];
  if (!Buffer.isBuffer(frame)) for (let i = 1; i < frame.length; i++) data.push(frame[i]);
  const mac = signing.sealed
    ? sealedMac(signing.key, head.readUInt16BE(6), head.readUInt16BE(8), head.readUInt16BE(10), head.readUInt16BE(16), data, others)
    : computeHmac(signing.key, data, others);
  mac.copy(head, slot);
}

/**
 * The key of a sealed session: the shared key, mixed with the nonce each side chose for this
 * connection (raw bytes), so that messages recorded on one connection are worthless on another.
 */
export function sessionKey(sharedKey: Uint8Array, proxyNonce: Uint8Array, daemonNonce: Uint8Array): Buffer {
  return createHmac("sha256", sharedKey).update("pyrots sealed session v1").update(proxyNonce).update(daemonNonce).digest();
}
