/**
 * The serializer seam: a tiny interface, implemented by msgpack (id 6), json (id 2) and serpent (id 1).
 *
 * Everything a serializer decodes comes from a peer and is hostile until checked: decoding runs
 * within the {@link DecodeLimits} of its {@link DecodeContext}, builds only plain data and the
 * Pyro types listed in `classes.ts`, and never runs code the payload names.
 */
import type { ProxyRef } from "./values.js";

/**
 * Bounds on what decoding one payload may build. A payload that would exceed them is refused
 * with a SerializeError before the memory is spent.
 */
export interface DecodeLimits {
  /** Largest payload in bytes after decompression (inflating stops there); 0 = no limit. */
  readonly maxBytes: number;
  /** Deepest nesting of arrays and maps. */
  readonly maxDepth: number;
  /**
   * Decoded values may cost (an estimate of JS heap bytes) at most this many times the
   * payload's length: an empty msgpack map is 1 byte on the wire but some 60 bytes as an object.
   */
  readonly expansion: number;
  /** The cost budget is never below this, so that small payloads are never refused. */
  readonly minBudget: number;
  /**
   * Nor above this, however long the payload: the most heap one payload's values may take.
   * Without it a payload that inflates to 64 MiB could cost `expansion` × 64 MiB. 0 = no cap.
   */
  readonly maxCost: number;
}

/**
 * Limits for payloads from peers that completed the handshake (see docs/security.md); endpoints
 * derive theirs from the configuration. Measured with `bench/dist/decode-heap.js` (heap bytes
 * per payload byte): lists of 1-tuples of small ints (a one-column query result) take 32, pairs
 * 24, small dicts 15-22, typical records 5-6, strings, floats and binaries about 1. An expansion
 * of 40 admits all of those with a margin, and refuses payloads of empty maps (64), empty arrays
 * (56) and empty binaries (52) once they exceed `minBudget`. JSON.parse's values never take more
 * than 24 per byte. `maxCost` caps one payload's values at 256 MiB of heap: room for 250 MiB of
 * binaries or strings, 30 million floats or some 45 MiB of small records.
 */
export const DEFAULT_DECODE_LIMITS: DecodeLimits = Object.freeze({
  maxBytes: 1024 * 1024 * 1024,
  maxDepth: 128,
  expansion: 40,
  minBudget: 1024 * 1024,
  maxCost: 256 * 1024 * 1024,
});

/**
 * Limits for the one message a peer may send before its handshake is done (CONNECT: the object
 * id and the handshake data): 64 KiB at most, after decompression.
 */
export const HANDSHAKE_DECODE_LIMITS: DecodeLimits = Object.freeze({
  maxBytes: 64 * 1024,
  maxDepth: 32,
  expansion: 16,
  minBudget: 256 * 1024,
  maxCost: 1024 * 1024,
});

/** What a decode needs to know about the endpoint that receives the payload. */
export interface DecodeContext {
  readonly limits: DecodeLimits;
  /**
   * Makes a proxy reference that arrived in the payload into the value the application gets
   * (a live but inert proxy with the receiver's settings). Absent: the {@link ProxyRef} itself.
   * Must not connect or call anything.
   */
  readonly reviveProxy?: (ref: ProxyRef) => unknown;
  /**
   * Converters for class dicts of the application's own classes, by `__class__` name (Pyro4's
   * `SerializerBase.register_dict_to_class`); checked before the built-in Pyro classes. A
   * converter gets the dict as decoded (hostile data: check it) and returns the value to use.
   */
  readonly classes?: ReadonlyMap<string, DictToClass>;
}

/** Turns a class dict (its `__class__` key included) into the application's value. */
export type DictToClass = (data: Record<string, unknown>, className: string) => unknown;

/** A decoded INVOKE payload. */
export interface CallRequest {
  object: string;
  method: string;
  args: unknown[];
  /** Keyword arguments; `null` when the peer sent nil (attribute access, batches). */
  kwargs: Record<string, unknown> | null;
}

/** The context of a decode that has no endpoint: default limits, proxy references stay inert. */
export const DEFAULT_DECODE_CONTEXT: DecodeContext = Object.freeze({ limits: DEFAULT_DECODE_LIMITS });

/**
 * The context of a decode by an endpoint whose messages may be at most `maxMessageSize` bytes
 * (0 = no limit of its own): `base` limits with `maxBytes` no larger than that, proxies as the
 * `reviveProxy` given. Returns {@link DEFAULT_DECODE_CONTEXT} itself when nothing differs from it.
 */
export function decodeContextWithin(
  maxMessageSize: number,
  base: DecodeLimits = DEFAULT_DECODE_LIMITS,
  reviveProxy?: (ref: ProxyRef) => unknown,
): DecodeContext {
  const limits = maxMessageSize > 0 && (base.maxBytes === 0 || maxMessageSize < base.maxBytes) ? { ...base, maxBytes: maxMessageSize } : base;
  if (limits === DEFAULT_DECODE_LIMITS && reviveProxy === undefined) return DEFAULT_DECODE_CONTEXT;
  return reviveProxy === undefined ? { limits } : { limits, reviveProxy };
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
   * A value that cannot be sent (docs/values.md) is refused with a SerializeError naming its path
   * from `what` (default `value`; the daemon says `result` and `exception`):
   * `cannot send result.handlers.onDone: a function (…)`.
   */
  encode(value: unknown, reserve?: number, what?: string): Buffer;
  /** Decodes a payload within `context`'s limits; Pyro class dicts become URI, proxies and errors. */
  decode(data: Uint8Array, context?: DecodeContext): unknown;
  /**
   * Encodes an INVOKE payload; `reserve` as for {@link encode}. Refusals name the path from
   * `args` or `kwargs`: `cannot send args[1].parent.child.parent: a circular reference back to args[1]`.
   */
  encodeCall(object: string, method: string, args: readonly unknown[], kwargs: Record<string, unknown> | null, reserve?: number): Buffer;
  /** Decodes an INVOKE payload as {@link decode} does; throws SerializeError on a malformed one. */
  decodeCall(data: Uint8Array, context?: DecodeContext): CallRequest;
  /**
   * Optional zero-copy variant of {@link encode}: a value holding large binary values may come
   * back as parts to be written one after another (the binaries themselves, uncopied), and then
   * no room is reserved; other values come back as `encode` gives them.
   */
  encodeParts?(value: unknown, reserve?: number, what?: string): Buffer | Buffer[];
  /** Optional zero-copy variant of {@link encodeCall}, as {@link encodeParts}. */
  encodeCallParts?(object: string, method: string, args: readonly unknown[], kwargs: Record<string, unknown> | null, reserve?: number): Buffer | Buffer[];
}
