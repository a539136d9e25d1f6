/**
 * The serpent serializer (id 1): Pyro4's and Pyro5's default. A payload is UTF-8 Python literal
 * text (what `ast.literal_eval` reads) after the header line `# serpent utf-8 python3.2`.
 *
 * | Python (serpent text)                    | JS value                        | back to Python as              |
 * | ---------------------------------------- | ------------------------------- | ------------------------------ |
 * | `None`, `True`, `False`                  | null, true, false               | the same                       |
 * | int                                      | number within ±(2^53 − 1), else bigint | int                     |
 * | float, `1e30000` (inf), serpent's NaN dict | number                        | float; an integral value as int (one JS number type, as with msgpack) |
 * | complex `(1+2j)`                         | {@link Complex}                 | complex                        |
 * | str                                      | string                          | str                            |
 * | bytes: `{'data': b64, 'encoding': 'base64'}` or `b'…'` | Buffer           | serpent's base64 dict          |
 * | list, tuple                              | array                           | list                           |
 * | set, frozenset (`{1, 2}`)                | Set                             | set                            |
 * | empty set (serpent writes `()`)          | empty array                     | list                           |
 * | dict with str keys                       | plain object                    | dict                           |
 * | dict keys int/float/bool/None            | object keys `String(key)` ("1", "2.5", "true", "null"), as with msgpack | str keys |
 * | dict keys tuple/bytes/…                  | refused (SerializeError)        | —                              |
 * | Pyro class dicts (URI, Proxy, errors, …) | as msgpack decodes them (`classes.ts`) | the same class dicts    |
 *
 * Sets decode as Sets so that what a Python peer sends as a set comes back to it as a set (a name
 * server's metadata, an echo): a round trip through pyrots keeps Python's types, as through a
 * Python daemon. Tuples cannot: JS has no tuple, and lists are what Python code indexes alike.
 * Non-string dict keys follow msgpack's mapping so a method sees the same object whichever
 * serializer its Python client uses. Bytes go as serpent's own base64 dict, as from a Python
 * daemon: an unmodified Python client already turns it into bytes (`serpent.tobytes()`). Decoding is hostile-input safe: see serpent-parse.ts.
 */
import { checkCall } from "./call.js";
import { asSerializeError } from "./classes.js";
import { PYRO4_DIALECT, type PyroDialect } from "./dialect.js";
import { SerpentWriter } from "./serpent-encode.js";
import { parseSerpent } from "./serpent-parse.js";
import { type CallRequest, DEFAULT_DECODE_CONTEXT, type DecodeContext, type Serializer } from "./types.js";

/** Serpent's id in the message header (Pyro4 and Pyro5 alike). */
export const SERPENT_ID = 1;

function toBuffer(text: string, reserve: number): Buffer {
  if (!(reserve >= 0 && reserve <= 255 && Number.isInteger(reserve))) throw new RangeError(`reserve must be 0..255, got ${reserve}`);
  if (reserve === 0) return Buffer.from(text, "utf8");
  const buffer = Buffer.allocUnsafe(reserve + Buffer.byteLength(text, "utf8"));
  buffer.write(text, reserve, "utf8");
  return buffer;
}

/** A serpent serializer for one Pyro dialect (class names); pyrots speaks Pyro4's. */
export function createSerpentSerializer(dialect: PyroDialect): Serializer {
  const writer = new SerpentWriter(dialect);
  const encodeText = (make: () => string, reserve: number): Buffer => {
    let text: string;
    try {
      text = make();
    } catch (error) {
      throw asSerializeError(error, "cannot serialize with serpent");
    }
    return toBuffer(text, reserve);
  };
  return {
    id: SERPENT_ID,
    name: "serpent",
    encode(value: unknown, reserve = 0): Buffer {
      return encodeText(() => writer.document(value), reserve);
    },
    decode(data: Uint8Array, context: DecodeContext = DEFAULT_DECODE_CONTEXT): unknown {
      return parseSerpent(data, context, dialect);
    },
    encodeCall(object: string, method: string, args: readonly unknown[], kwargs: Record<string, unknown> | null, reserve = 0): Buffer {
      return encodeText(() => writer.call(object, method, args, kwargs), reserve);
    },
    decodeCall(data: Uint8Array, context: DecodeContext = DEFAULT_DECODE_CONTEXT): CallRequest {
      return checkCall(parseSerpent(data, context, dialect));
    },
  };
}

/** Pyro4's serpent serializer (id 1). */
export const serpentSerializer: Serializer = createSerpentSerializer(PYRO4_DIALECT);
