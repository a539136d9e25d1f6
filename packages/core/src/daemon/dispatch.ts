/**
 * The steps of serving one INVOKE, each its own function: decode the request, find the object,
 * then resolve the member and call it (a method, a property read or write, or a batch). Each
 * step throws what the client is to receive; the connection turns that into an exception reply.
 */
import { resolveMember } from "../decorators.js";
import { DaemonError, PyroError } from "../errors.js";
import { Flags } from "../protocol/constants.js";
import type { Message } from "../protocol/message.js";
import type { CallRequest, DecodeContext, Serializer } from "../serializers/types.js";
import { payloadOf } from "../transport/outgoing.js";
import { callWithArguments } from "./arguments.js";
import { runBatch } from "./batch.js";
import type { RegisteredObject } from "./registry.js";

/** What bounds a call besides decoding. */
export interface CallLimits {
  /** Calls one batch may hold; 0 = no limit (`MAX_BATCH_CALLS`). */
  readonly maxBatchCalls: number;
  /** Errors inside a batch carry their traceback. */
  readonly sendTracebacks: boolean;
}

/** Decodes a request's payload (inflating it within the byte limit first). */
export function decodeRequest(message: Message, serializer: Serializer, context: DecodeContext): CallRequest {
  return serializer.decodeCall(payloadOf(message, context.limits), context);
}

/** The registered object a request is for. */
export function findObject(objects: ReadonlyMap<string, RegisteredObject>, objectId: string): RegisteredObject {
  const entry = objects.get(objectId);
  if (entry === undefined) throw new DaemonError("unknown object");
  return entry;
}

/**
 * Runs the call on `instance`: the result, a Promise of it, or an iterator to stream. Throws when
 * the member is not exposed as used, or when the method throws.
 */
export function perform(entry: RegisteredObject, instance: object, call: CallRequest, flags: number, limits: CallLimits): unknown {
  const name = call.method;
  if (flags & Flags.BATCH) {
    const calls = call.args;
    if (limits.maxBatchCalls > 0 && calls.length > limits.maxBatchCalls) {
      throw new PyroError(
        `batch of ${calls.length} calls refused: this daemon runs at most ${limits.maxBatchCalls} calls per batch (MAX_BATCH_CALLS); split the batch, or raise MAX_BATCH_CALLS on the daemon`,
      );
    }
    return runBatch(entry, instance, calls, limits.sendTracebacks);
  }
  if (name === "__getattr__") {
    const attr = String(call.args[0]);
    resolveMember(entry.members, attr, "get", instance);
    return (instance as Record<string, unknown>)[attr];
  }
  if (name === "__setattr__") {
    const attr = String(call.args[0]);
    resolveMember(entry.members, attr, "set", instance);
    (instance as Record<string, unknown>)[attr] = call.args[1];
    return null;
  }
  resolveMember(entry.members, name, "call", instance);
  return callWithArguments(instance, name, (instance as Record<string, Function>)[name], call.args, call.kwargs);
}

/**
 * True when a failed call had got as far as calling its method (the error is the method's own or
 * its arguments'), not stopped at decoding, lookup or exposure. Asked only on the error path of
 * oneway calls, whose errors nobody but the daemon sees.
 */
export function reachedMethod(entry: RegisteredObject | undefined, name: string, flags: number): boolean {
  return entry !== undefined && (flags & Flags.BATCH) === 0 && entry.members.methods.has(name);
}
