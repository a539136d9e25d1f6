/**
 * Our msgpack decoder: every msgpack format, read within the receiver's {@link DecodeLimits}, with
 * Pyro4's class dicts revived as each map completes (bottom-up, like Python's `object_hook`).
 *
 * | msgpack                          | JS value                                                  |
 * | -------------------------------- | --------------------------------------------------------- |
 * | nil / true / false               | null / true / false                                       |
 * | int (any width)                  | number; int64/uint64 beyond ±2^53 as bigint               |
 * | float32 / float64                | number                                                    |
 * | str                              | string (invalid UTF-8 becomes U+FFFD)                     |
 * | bin                              | Buffer: a view of the payload, not a copy                 |
 * | array                            | Array                                                     |
 * | map                              | plain object; keys str, or int/float/bool/nil as text; a `__proto__` key stays an own data property |
 * | map with `__class__`             | its Pyro4 value (see classes.ts), proxies through `context.reviveProxy` |
 * | ext 0x30–0x33                    | see msgpack-ext.ts; any other ext type: SerializeError     |
 *
 * Before anything is allocated, a declared length is checked against the bytes left (an array
 * item takes at least 1 byte, a map entry 2), and the cost of what is built is counted against a
 * budget (budget.ts); nesting deeper than `maxDepth` is refused. Every failure is a
 * SerializeError (or the SecurityError/PyroError a class dict's conversion raises).
 */
import { SerializeError } from "../errors.js";
import {
  ARRAY_COST,
  BIGINT_COST,
  BIN_COST,
  ENTRY_COST,
  EXT_COSTS,
  MAP_COST,
  SLOT_COST,
  STRING_COST,
  checkPayloadSize,
  costBudget,
  overBudget,
  tooDeep,
} from "./budget.js";
import { CLASS_KEY, asSerializeError, setOwn } from "./classes.js";
import { PYRO4_DIALECT, type PyroDialect } from "./dialect.js";
import { SHORT_STRING, cachedKey, float32At, float64At, rememberKey, shortAscii, text } from "./msgpack-bytes.js";
import { decodeExtension } from "./msgpack-ext.js";
import { NO_KWARGS, checkCall, checkCallFields } from "./call.js";
import type { CallRequest, DecodeContext } from "./types.js";

/** Payloads from this size on get a DataView for their floats. */
const VIEW_FROM = 512;
const TWO_32 = 0x100000000;
/** int64 high words whose value stays within ±2^53 (msgpackr's `int64AsType: "auto"` rule, which we keep). */
const HIGH_SAFE = 0x200000;

/** Decodes one msgpack payload within `context.limits`; throws SerializeError on anything malformed. */
export function decodeMsgpack(data: Uint8Array, context: DecodeContext, dialect: PyroDialect = PYRO4_DIALECT): unknown {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const limits = context.limits;
  checkPayloadSize(bytes.length, limits, "msgpack");
  if (bytes.length === 0) throw new SerializeError("invalid msgpack data: the payload is empty");
  // Most replies are one number or nil: read without a reader.
  if (bytes.length <= 9) {
    const scalar = smallScalar(bytes);
    if (scalar !== NOT_SMALL) return scalar;
  }
  const reader = new MsgpackReader(bytes, costBudget(bytes.length, limits), limits.maxDepth, context, dialect);
  let value: unknown;
  try {
    value = reader.value(0);
  } catch (error) {
    throw asSerializeError(error, "invalid msgpack data");
  }
  if (reader.pos !== bytes.length) throw new SerializeError(`invalid msgpack data: ${bytes.length - reader.pos} bytes left after the value`);
  return value;
}

/**
 * Decodes an INVOKE payload, `[object, method, args, kwargs]`, as {@link decodeMsgpack} and
 * `checkCall` would, with less work for the common shape: the object id and method name come
 * from the key cache (they recur in every call, and a cached string is one V8 has hashed for the
 * lookups that follow), no array is built for the tuple, and an empty kwargs map is one shared
 * frozen object. Any other payload goes the general way, with its errors.
 */
export function decodeMsgpackCall(data: Uint8Array, context: DecodeContext, dialect: PyroDialect = PYRO4_DIALECT): CallRequest {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const limits = context.limits;
  // 0x94: a fixarray of 4; 5 bytes at least hold it (what the general path checks first).
  if (bytes.length < 5 || bytes[0] !== 0x94 || limits.maxDepth < 2) return checkCall(decodeMsgpack(bytes, context, dialect));
  checkPayloadSize(bytes.length, limits, "msgpack");
  const reader = new MsgpackReader(bytes, costBudget(bytes.length, limits), limits.maxDepth, context, dialect);
  reader.pos = 1;
  try {
    return reader.call();
  } catch (error) {
    throw asSerializeError(error, "invalid msgpack data");
  }
}

/** What {@link smallScalar} answers for a payload it leaves to the reader. */
const NOT_SMALL = Symbol("not a small scalar");

/** The value of a payload that is exactly one int of up to 32 bits, a float64, nil or a boolean; else {@link NOT_SMALL}. */
function smallScalar(bytes: Buffer): unknown {
  const byte = bytes[0]!;
  switch (bytes.length) {
    case 1:
      if (byte < 0x80) return byte;
      if (byte >= 0xe0) return byte - 0x100;
      if (byte === 0xc0) return null;
      if (byte === 0xc2) return false;
      if (byte === 0xc3) return true;
      return NOT_SMALL;
    case 2:
      if (byte === 0xcc) return bytes[1]!;
      if (byte === 0xd0) return (bytes[1]! << 24) >> 24;
      return NOT_SMALL;
    case 3:
      if (byte === 0xcd) return (bytes[1]! << 8) | bytes[2]!;
      if (byte === 0xd1) return (((bytes[1]! << 8) | bytes[2]!) << 16) >> 16;
      return NOT_SMALL;
    case 5:
      if (byte === 0xce) return bytes.readUInt32BE(1);
      if (byte === 0xd2) return bytes.readInt32BE(1);
      return NOT_SMALL;
    case 9:
      return byte === 0xcb ? bytes.readDoubleBE(1) : NOT_SMALL;
    default:
      return NOT_SMALL;
  }
}

class MsgpackReader {
  pos = 0;
  private cost = 0;
  /**
   * Made at the first float of a payload of {@link VIEW_FROM} bytes or more: DataView reads are
   * the fastest, but a DataView costs some 100 ns to make.
   */
  private view: DataView | undefined = undefined;

  constructor(
    private readonly bytes: Buffer,
    private readonly budget: number,
    private readonly maxDepth: number,
    private readonly context: DecodeContext,
    private readonly dialect: PyroDialect,
  ) {}

  value(depth: number): unknown {
    const bytes = this.bytes;
    const pos = this.pos;
    if (pos >= bytes.length) throw this.truncated(1);
    const byte = bytes[pos]!;
    this.pos = pos + 1;
    if (byte < 0x80) return byte;
    if (byte < 0x90) return this.map(byte & 0x0f, depth);
    if (byte < 0xa0) return this.array(byte & 0x0f, depth);
    if (byte < 0xc0) return this.string(byte & 0x1f);
    if (byte >= 0xe0) return byte - 0x100;
    if (byte === 0xcb) {
      // Python's only float format, often in long runs: read here, before the switch.
      if (8 > bytes.length - pos - 1) throw this.truncated(8);
      this.pos = pos + 9;
      return this.float64(pos + 1);
    }
    return this.tagged(byte, depth);
  }

  /** The four items of a call tuple whose array header has been read (see {@link decodeMsgpackCall}). */
  call(): CallRequest {
    this.charge(ARRAY_COST + 4 * SLOT_COST);
    const object = this.name();
    const method = this.name();
    const args = this.value(1);
    let kwargs: unknown;
    if (this.bytes[this.pos] === 0x80) {
      this.pos++;
      this.charge(MAP_COST);
      kwargs = NO_KWARGS;
    } else kwargs = this.value(1);
    // In the order of the general path: trailing bytes first, then what the items are.
    const left = this.bytes.length - this.pos;
    if (left !== 0) throw new SerializeError(`invalid msgpack data: ${left} bytes left after the value`);
    return checkCallFields(object, method, args, kwargs);
  }

  /** A value that is most likely a short ASCII name (object id, method): through the key cache when it is one. */
  private name(): unknown {
    const bytes = this.bytes;
    const pos = this.pos;
    const length = (bytes[pos] ?? 0) - 0xa0;
    if (length > 0 && length < SHORT_STRING && length <= bytes.length - pos - 1) {
      this.pos = pos + 1 + length;
      const cached = cachedKey(bytes, pos + 1, length);
      if (cached !== undefined) return cached;
      this.charge(STRING_COST + length);
      return rememberKey(bytes, pos + 1, length);
    }
    return this.value(1);
  }

  /** The formats 0xc0–0xdf, whose first byte names the type and is followed by a length or value. */
  private tagged(byte: number, depth: number): unknown {
    const bytes = this.bytes;
    let p: number;
    switch (byte) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return this.bin(this.u8());
      case 0xc5:
        return this.bin(this.u16());
      case 0xc6:
        return this.bin(this.u32());
      case 0xc7:
        return this.ext(this.u8());
      case 0xc8:
        return this.ext(this.u16());
      case 0xc9:
        return this.ext(this.u32());
      case 0xca:
        return this.float32(this.take(4));
      case 0xcb:
        return this.float64(this.take(8));
      case 0xcc:
        return this.u8();
      case 0xcd:
        return this.u16();
      case 0xce:
        return this.u32();
      case 0xcf:
        p = this.take(8);
        return this.int64(this.u32At(p), this.u32At(p + 4), false);
      case 0xd0:
        return (bytes[this.take(1)]! << 24) >> 24;
      case 0xd1:
        return (this.u16() << 16) >> 16;
      case 0xd2:
        return this.u32() | 0;
      case 0xd3:
        p = this.take(8);
        return this.int64(this.u32At(p) | 0, this.u32At(p + 4), true);
      case 0xd4:
        return this.ext(1);
      case 0xd5:
        return this.ext(2);
      case 0xd6:
        return this.ext(4);
      case 0xd7:
        return this.ext(8);
      case 0xd8:
        return this.ext(16);
      case 0xd9:
        return this.string(this.u8());
      case 0xda:
        return this.string(this.u16());
      case 0xdb:
        return this.string(this.u32());
      case 0xdc:
        return this.array(this.u16(), depth);
      case 0xdd:
        return this.array(this.u32(), depth);
      case 0xde:
        return this.map(this.u16(), depth);
      case 0xdf:
        return this.map(this.u32(), depth);
    }
    throw new SerializeError(`invalid msgpack data: format byte 0x${byte.toString(16)} at byte ${this.pos - 1} is never used`);
  }

  private array(length: number, depth: number): unknown[] {
    if (depth >= this.maxDepth) throw tooDeep("msgpack", this.maxDepth);
    if (length > this.bytes.length - this.pos) throw this.lying("an array", length, length);
    this.charge(ARRAY_COST + length * SLOT_COST);
    // Two allocation sites: V8 tunes each site to what it allocates (and may move a site's
    // arrays straight to the old generation after long ones), which must not slow small arrays.
    const array = length < 16 ? new Array<unknown>(length) : new Array<unknown>(length);
    for (let i = 0; i < length; i++) array[i] = this.value(depth + 1);
    return array;
  }

  private map(length: number, depth: number): unknown {
    if (depth >= this.maxDepth) throw tooDeep("msgpack", this.maxDepth);
    if (2 * length > this.bytes.length - this.pos) throw this.lying("a map", length, 2 * length);
    this.charge(MAP_COST + length * (SLOT_COST + ENTRY_COST));
    const record: Record<string, unknown> = {};
    let classDict = false;
    for (let i = 0; i < length; i++) {
      const key = this.key();
      const value = this.value(depth + 1);
      // Both special keys have 9 characters: one length test keeps the common case fast.
      if (key.length === 9 && key === "__proto__") setOwn(record, key, value);
      else {
        record[key] = value;
        if (key.length === 9 && key === CLASS_KEY) classDict = true;
      }
    }
    return classDict ? this.dialect.reviveClassDict(record, this.context) : record;
  }

  private key(): string {
    const bytes = this.bytes;
    const pos = this.pos;
    if (pos >= bytes.length) throw this.truncated(1);
    const byte = bytes[pos]!;
    const length = byte - 0xa0;
    if (length >= 0 && length < SHORT_STRING) {
      if (length > bytes.length - pos - 1) throw this.truncated(length);
      this.pos = pos + 1 + length;
      const cached = cachedKey(bytes, pos + 1, length);
      if (cached !== undefined) return cached;
      this.charge(STRING_COST + length);
      return rememberKey(bytes, pos + 1, length);
    }
    if ((byte >= 0x80 && byte < 0xa0) || (byte >= 0xdc && byte < 0xe0)) {
      throw new SerializeError(`invalid msgpack data: a map key at byte ${pos} is an array or a map; keys must be strings or numbers`);
    }
    const key = this.value(0);
    if (typeof key === "string") return key;
    // As msgpackr did: scalar keys become their text; Python peers send str keys only.
    if (typeof key === "number" || typeof key === "bigint" || typeof key === "boolean") return String(key);
    if (key === null) return "null";
    throw new SerializeError(
      `invalid msgpack data: a map key at byte ${pos} is ${Buffer.isBuffer(key) ? "bin" : "an ext value"}; keys must be strings or numbers`,
    );
  }

  private string(length: number): string {
    const bytes = this.bytes;
    const start = this.pos;
    if (length > bytes.length - start) throw this.truncated(length);
    this.pos = start + length;
    if (length === 0) return "";
    if (length < SHORT_STRING) {
      const text = shortAscii(bytes, start, length);
      if (text !== undefined) {
        // One ASCII character is a string V8 keeps cached: nothing is allocated.
        if (length > 1) this.charge(STRING_COST + length);
        return text;
      }
    }
    this.charge(STRING_COST + length);
    return text(bytes, start, length);
  }

  private bin(length: number): Buffer {
    const start = this.pos;
    if (length > this.bytes.length - start) throw this.truncated(length);
    this.charge(BIN_COST);
    this.pos = start + length;
    return this.bytes.subarray(start, start + length);
  }

  private ext(length: number): unknown {
    const start = this.pos;
    if (length + 1 > this.bytes.length - start) throw this.truncated(length + 1);
    const type = this.bytes[start]!;
    // Unknown types are refused by decodeExtension before they cost anything.
    this.charge((EXT_COSTS[type] ?? 0) + length);
    this.pos = start + 1 + length;
    return decodeExtension(type, this.bytes, start + 1, length);
  }

  private int64(high: number, low: number, signed: boolean): number | bigint {
    if ((high < HIGH_SAFE && high >= -HIGH_SAFE) || (high === HIGH_SAFE && low === 0)) return high * TWO_32 + low;
    this.charge(BIGINT_COST);
    const value = (BigInt(high >>> 0) << 32n) | BigInt(low);
    return signed ? BigInt.asIntN(64, value) : value;
  }

  private float64(at: number): number {
    const view = this.floatView();
    return view !== undefined ? view.getFloat64(at) : float64At(this.bytes, at);
  }

  private float32(at: number): number {
    const view = this.floatView();
    return view !== undefined ? view.getFloat32(at) : float32At(this.bytes, at);
  }

  /** A DataView over a payload of {@link VIEW_FROM} bytes or more, made at its first float. */
  private floatView(): DataView | undefined {
    if (this.view !== undefined || this.bytes.length < VIEW_FROM) return this.view;
    return (this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength));
  }

  private u8(): number {
    return this.bytes[this.take(1)]!;
  }

  private u16(): number {
    const p = this.take(2);
    const bytes = this.bytes;
    return (bytes[p]! << 8) | bytes[p + 1]!;
  }

  private u32(): number {
    return this.u32At(this.take(4));
  }

  private u32At(p: number): number {
    const bytes = this.bytes;
    return bytes[p]! * 0x1000000 + ((bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!);
  }

  /** Moves past `count` bytes that must be there; returns where they start. */
  private take(count: number): number {
    const pos = this.pos;
    if (count > this.bytes.length - pos) throw this.truncated(count);
    this.pos = pos + count;
    return pos;
  }

  private charge(cost: number): void {
    this.cost += cost;
    if (this.cost > this.budget) throw overBudget("msgpack", this.bytes.length, this.budget);
  }

  private truncated(count: number): SerializeError {
    return new SerializeError(`invalid msgpack data: truncated at byte ${this.pos} (${count} more bytes needed, ${this.bytes.length - this.pos} left)`);
  }

  private lying(what: string, length: number, atLeast: number): SerializeError {
    return new SerializeError(
      `invalid msgpack data: ${what} of ${length} items declared at byte ${this.pos} needs at least ${atLeast} bytes, but only ${this.bytes.length - this.pos} are left`,
    );
  }
}
