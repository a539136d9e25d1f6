/**
 * The annotations a call carries besides its payload: the ones its options ask for (custom ids,
 * a correlation id) and the ones an instrument adds (trace context).
 */
import { PyroError } from "../errors.js";
import { Annotation } from "../protocol/constants.js";
import type { Annotations } from "../protocol/message.js";
import type { CallOptions } from "./options.js";

/** `annotations` plus an instrument's, where the caller did not set the same id. */
export function withAnnotations(annotations: Annotations | undefined, extra: ReadonlyMap<string, Uint8Array>): Annotations {
  const merged: Annotations = new Map(annotations);
  for (const [id, value] of extra) if (!merged.has(id)) merged.set(id, value);
  return merged;
}

/** The annotations a call's options ask for (custom ones and a correlation id). */
export function requestAnnotations(options: CallOptions): Annotations {
  const annotations: Annotations = new Map();
  for (const [id, value] of Object.entries(options.annotations ?? {})) {
    if (id.length !== 4) throw new PyroError(`annotation ids must be 4 characters: ${JSON.stringify(id)}`);
    annotations.set(id, typeof value === "string" ? Buffer.from(value) : value);
  }
  const corr = options.correlationId;
  if (corr !== undefined) annotations.set(Annotation.CORR, typeof corr === "string" ? uuidBytes(corr) : corr);
  return annotations;
}

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replaceAll("-", "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new PyroError(`correlationId must be a UUID or 16 bytes, got ${JSON.stringify(uuid)}`);
  return Buffer.from(hex, "hex");
}
