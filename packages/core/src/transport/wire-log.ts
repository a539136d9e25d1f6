/**
 * The wire trace (Pyro's `LOGWIRE`, or `DEBUG=pyrots:wire`): one line on stderr per message a
 * connection sends or receives, with its peer, type, sequence number, flags, serializer and sizes.
 *
 * ```
 * 2026-01-01T00:00:00.000Z pyrots:wire 127.0.0.1:40000 <- INVOKE seq=3 flags=0x0 serializer=6 data=57 annotations=CORR
 * 2026-01-01T00:00:00.001Z pyrots:wire 127.0.0.1:40000 -> RESULT seq=3 flags=0x0 serializer=6 data=9 annotations=0 bytes
 * ```
 *
 * Payloads are not printed: they may hold secrets, and their sizes say what a trace is for.
 */
import { type DebugLog, debugLog } from "../debug.js";
import { MessageType } from "../protocol/constants.js";
import { type Message, readHeader } from "../protocol/message.js";

/** Receives one line per message (see {@link wireLogFor}). */
export type WireLog = (line: string) => void;

const NAMESPACE = "pyrots:wire";
const fromDebug: DebugLog = debugLog(NAMESPACE);
const TYPE_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(MessageType).map(([name, id]) => [id, name]));

/** An endpoint's wire trace: on with `logWire` (LOGWIRE) or `DEBUG=pyrots:wire`; undefined when off. */
export function wireLogFor(logWire: boolean): WireLog | undefined {
  if (fromDebug.enabled) return fromDebug;
  return logWire ? debugLog(NAMESPACE, true) : undefined;
}

/** The line for a message received from `peer`. */
export function receivedLine(peer: string, message: Message): string {
  const annotations = message.annotations === undefined ? "none" : [...message.annotations.keys()].join(",");
  return `${peer} <- ${typeName(message.type)} seq=${message.seq} flags=0x${message.flags.toString(16)} serializer=${message.serializerId} data=${message.data.length} annotations=${annotations}`;
}

/** The line for an encoded frame sent to `peer` (its header is at the start of `first`). */
export function sentLine(peer: string, first: Uint8Array, totalBytes: number): string {
  try {
    const h = readHeader(first);
    return `${peer} -> ${typeName(h.type)} seq=${h.seq} flags=0x${h.flags.toString(16)} serializer=${h.serializerId} data=${h.dataLength} annotations=${h.annotationsLength} bytes`;
  } catch {
    // Not a protocol 48 header (a frame of another protocol version): its size is all we say.
    return `${peer} -> frame of ${totalBytes} bytes`;
  }
}

function typeName(type: number): string {
  return TYPE_NAMES.get(type) ?? `type ${type}`;
}
