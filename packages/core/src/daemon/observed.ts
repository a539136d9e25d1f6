/**
 * What a daemon tells its instrument about a call (see `instruments.ts`). The names come from the
 * daemon's own registrations: a client asking for 10,000 made-up methods shows as one
 * {@link UNKNOWN_NAME}, so no label set or span name grows with what clients send.
 */
import { BATCH_METHOD, type CallWatch, type Instrument, type ServedCall, UNKNOWN_NAME, startServing, watchFailed } from "../instruments.js";
import { Flags } from "../protocol/constants.js";
import type { Message } from "../protocol/message.js";
import type { RegisteredObject } from "./registry.js";

/**
 * Starts watching a call to `entry` (undefined: the request named no registered object, or could
 * not be read) asking for `method`.
 */
export function watchServed(instrument: Instrument, entry: RegisteredObject | undefined, method: string, message: Message): CallWatch | undefined {
  if (instrument.serving === undefined) return undefined;
  const call: ServedCall = {
    objectId: entry === undefined ? UNKNOWN_NAME : entry.id,
    method: entry === undefined ? UNKNOWN_NAME : servedMethod(entry, method, message.flags),
    oneway: (message.flags & Flags.ONEWAY) !== 0,
    annotations: message.annotations,
  };
  return startServing(instrument, call);
}

/**
 * A call failed before its method returned: its watch (or, when it failed before one was started,
 * a new one for what is known of it) learns why.
 */
export function failServed(
  instrument: Instrument,
  watch: CallWatch | undefined,
  entry: RegisteredObject | undefined,
  method: string,
  message: Message,
  error: unknown,
): void {
  const failing = watch ?? watchServed(instrument, entry, method, message);
  if (failing !== undefined) watchFailed(failing, error);
}

function servedMethod(entry: RegisteredObject, method: string, flags: number): string {
  if (flags & Flags.BATCH) return BATCH_METHOD;
  if (method === "__getattr__" || method === "__setattr__" || entry.members.methods.has(method)) return method;
  return UNKNOWN_NAME;
}
