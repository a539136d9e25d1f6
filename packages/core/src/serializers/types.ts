/**
 * The serializer seam: a tiny interface, implemented by msgpack (id 6) and json (id 2).
 */

/** A decoded INVOKE payload. */
export interface CallRequest {
  object: string;
  method: string;
  args: unknown[];
  /** Keyword arguments; `null` when the peer sent nil (attribute access, batches). */
  kwargs: Record<string, unknown> | null;
}

/** Encodes and decodes payloads in one wire format. */
export interface Serializer {
  /** Wire id in the message header. */
  readonly id: number;
  /** Name as used in config (`SERIALIZER`, `SERIALIZERS_ACCEPTED`). */
  readonly name: string;
  /**
   * Encodes a value. The returned Buffer starts with `reserve` unused bytes (0..255) so that the
   * caller can write the message header and annotations in place, without copying the payload.
   */
  encode(value: unknown, reserve?: number): Buffer;
  /** Decodes a payload; Pyro class dicts become URI, proxy references and errors. */
  decode(data: Uint8Array): unknown;
  /** Encodes an INVOKE payload; `reserve` as for {@link encode}. */
  encodeCall(object: string, method: string, args: readonly unknown[], kwargs: Record<string, unknown> | null, reserve?: number): Buffer;
  /** Decodes an INVOKE payload; throws SerializeError on a malformed one. */
  decodeCall(data: Uint8Array): CallRequest;
  /**
   * Optional zero-copy variant of {@link encode}: a value holding large binary values may come
   * back as parts to be written one after another (the binaries themselves, uncopied), and then
   * no room is reserved; other values come back as `encode` gives them.
   */
  encodeParts?(value: unknown, reserve?: number): Buffer | Buffer[];
  /** Optional zero-copy variant of {@link encodeCall}, as {@link encodeParts}. */
  encodeCallParts?(object: string, method: string, args: readonly unknown[], kwargs: Record<string, unknown> | null, reserve?: number): Buffer | Buffer[];
}
