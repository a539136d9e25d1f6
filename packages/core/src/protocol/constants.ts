/**
 * Pyro4 wire protocol 48: the numbers.
 *
 * Header, 24 bytes, big-endian (`!4sHHHHiHHHH`):
 *
 * | offset | size | field                                                        |
 * | -----: | ---: | ------------------------------------------------------------ |
 * |      0 |    4 | magic `PYRO`                                                 |
 * |      4 |    2 | protocol version, 48                                         |
 * |      6 |    2 | message type ({@link MessageType})                           |
 * |      8 |    2 | flags ({@link Flags})                                        |
 * |     10 |    2 | sequence number                                              |
 * |     12 |    4 | payload length (signed, 0..2^31-1)                           |
 * |     16 |    2 | serializer id (msgpack 6, json 2, marshal 3)                 |
 * |     18 |    2 | annotations length (sum of 6 + value length per chunk)       |
 * |     20 |    2 | reserved, 0                                                  |
 * |     22 |    2 | checksum = type+version+datalen+annlen+serializer+flags+seq+0x34E9, & 0xFFFF |
 *
 * Then the annotation chunks (4 ASCII id bytes, u16 length, value), then the payload.
 */

/** The protocol version pyrots speaks (Pyro4 4.x). */
export const PROTOCOL_VERSION = 48;
/** Size of the fixed message header in bytes. */
export const HEADER_SIZE = 24;
/** The four magic bytes `PYRO` as one big-endian u32. */
export const MAGIC = 0x5059524f;
/** Added to the header fields to form the checksum. */
export const CHECKSUM_MAGIC = 0x34e9;
/** The largest payload a header can announce (signed int32). */
export const MAX_DATA_LENGTH = 0x7fffffff;
/** The largest annotation block a header can announce (u16). */
export const MAX_ANNOTATIONS_LENGTH = 0xffff;

/** Message types. */
export const MessageType = {
  CONNECT: 1,
  CONNECTOK: 2,
  CONNECTFAIL: 3,
  INVOKE: 4,
  RESULT: 5,
  PING: 6,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Header flag bits. */
export const Flags = {
  EXCEPTION: 0x01,
  COMPRESSED: 0x02,
  ONEWAY: 0x04,
  BATCH: 0x08,
  META_ON_CONNECT: 0x10,
  ITEMSTREAMRESULT: 0x20,
  KEEPSERIALIZED: 0x40,
} as const;

/** Serializer ids on the wire. */
export const SerializerId = {
  SERPENT: 1,
  JSON: 2,
  MARSHAL: 3,
  PICKLE: 4,
  DILL: 5,
  MSGPACK: 6,
  CLOUDPICKLE: 7,
} as const;

/** Reserved annotation ids. */
export const Annotation = {
  /** 16-byte correlation UUID. */
  CORR: "CORR",
  /** 20-byte HMAC-SHA1 of payload and other annotations. */
  HMAC: "HMAC",
  /** Stream id (uuid text) on an ITEMSTREAMRESULT reply. */
  STRM: "STRM",
  /** SerializedBlob info for KEEPSERIALIZED calls. */
  BLBI: "BLBI",
  /**
   * pyrots' own: a daemon that puts this on CONNECTOK answers requests out of order, each tagged
   * with its sequence number, so one connection can carry many calls at once. Pyro4 ignores it.
   */
  MULTIPLEX: "MPLX",
  /**
   * pyrots' own: a daemon that puts this on CONNECTOK serves `Pyro.Daemon.get_next_stream_items`
   * (remote iterator items in batches); the value is the largest batch it hands out (ASCII
   * digits). Pyro4 and Pyro5 ignore it.
   */
  STREAM_BATCH: "SBAT",
  /**
   * pyrots' own: on an exception reply, the daemon is draining (shutting down gracefully) and did
   * not run the call; the client may send it to another daemon. Pyro4 ignores it.
   */
  DRAIN: "DRAN",
} as const;

/** Largest batch of remote iterator items a pyrots daemon hands out in one reply (see `Annotation.STREAM_BATCH`). */
export const MAX_STREAM_BATCH = 256;

/** Object id of the built-in daemon object present in every daemon. */
export const DAEMON_OBJECT_ID = "Pyro.Daemon";
