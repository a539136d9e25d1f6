/**
 * The annotations a daemon sends with its replies, as Pyro4 sends them:
 *
 * | reply                         | annotations, in this order                                                   |
 * | ----------------------------- | ---------------------------------------------------------------------------- |
 * | CONNECTOK                     | `MPLX`, `SBAT` (pyrots: requests may overlap, iterator items come in batches; Pyro4 ignores them), `CORR`, daemon-wide |
 * | CONNECTFAIL                   | `CORR`, daemon-wide                                                          |
 * | (handshake replies: `CORR` is the CONNECT's, or a new one, as Pyro4)                                         |
 * | RESULT                        | the method's response annotations, `CORR`, daemon-wide                       |
 * | exception RESULT, iterator    | the method's response annotations (and `STRM`), daemon-wide; no `CORR`       |
 * | PING reply                    | `CORR`                                                                       |
 *
 * `CORR` is the request's correlation id, or the one the daemon made for the request when the
 * method read `currentContext().correlationId`. Daemon-wide annotations come from the daemon option
 * `responseAnnotations` (Pyro4's `Daemon.annotations()`). The HMAC, when set, is added last by the
 * frame builder.
 */
import { PyroError } from "../errors.js";
import { Annotation, MAX_STREAM_BATCH } from "../protocol/constants.js";
import type { Annotations, Message } from "../protocol/message.js";
import { type CallContext, randomUuid, replyCorrelationId } from "./context.js";

/** The `responseAnnotations` daemon option: annotations for every reply; ids are 4 characters. */
export type ResponseAnnotationsHook = () => Readonly<Record<string, Uint8Array | string>>;

const STREAM_BATCH_TEXT = Buffer.from(String(MAX_STREAM_BATCH));

/** Annotations of a CONNECTOK (`mplx` set, with the stream batch capability) or CONNECTFAIL reply to `message`. */
export function handshakeAnnotations(message: Message, hook: ResponseAnnotationsHook | undefined, mplx?: Uint8Array): Annotations {
  const annotations: Annotations = new Map();
  if (mplx) {
    annotations.set(Annotation.MULTIPLEX, mplx);
    annotations.set(Annotation.STREAM_BATCH, STREAM_BATCH_TEXT);
  }
  // As Pyro4: the CONNECT's correlation id, or a new one (once per connection, so it costs nothing).
  annotations.set(Annotation.CORR, message.annotations?.get(Annotation.CORR) ?? randomUuid());
  addDaemonAnnotations(annotations, hook);
  return annotations;
}

/** Annotations of a CONNECTFAIL reply to `message`; a failing daemon-wide hook is left out (the refusal matters more). */
export function refusalAnnotations(message: Message, hook: ResponseAnnotationsHook | undefined): Annotations {
  try {
    return handshakeAnnotations(message, hook);
  } catch {
    return handshakeAnnotations(message, undefined);
  }
}

/** Annotations of a RESULT reply to `message`; throws when the daemon-wide hook fails. */
export function resultAnnotations(message: Message, context: CallContext | undefined, hook: ResponseAnnotationsHook | undefined): Annotations | undefined {
  const corr = replyCorrelationId(message, context);
  const own = context?.responseAnnotations;
  if (!hook && (own === undefined || own.size === 0)) return corr ? new Map([[Annotation.CORR, corr]]) : undefined;
  const annotations: Annotations = new Map(own);
  if (corr) annotations.set(Annotation.CORR, corr);
  addDaemonAnnotations(annotations, hook);
  return annotations.size > 0 ? annotations : undefined;
}

/**
 * Annotations of an exception RESULT (or an iterator's announcement, `extra` holding `STRM`):
 * no correlation id, as Pyro4. A failing daemon-wide hook is left out here (the reply is already an error).
 */
export function failureAnnotations(context: CallContext | undefined, hook: ResponseAnnotationsHook | undefined, extra?: Annotations): Annotations | undefined {
  const own = context?.responseAnnotations;
  if (!hook && (own === undefined || own.size === 0)) return extra;
  const annotations: Annotations = new Map(own);
  for (const [id, value] of extra ?? []) annotations.set(id, value);
  try {
    addDaemonAnnotations(annotations, hook);
  } catch {
    // the error being reported matters more than the daemon's extras
  }
  return annotations.size > 0 ? annotations : undefined;
}

/** Echoes the request's correlation id, if it had one (PING replies). */
export function correlationOnly(message: Message): Annotations | undefined {
  const corr = message.annotations?.get(Annotation.CORR);
  return corr ? new Map([[Annotation.CORR, corr]]) : undefined;
}

function addDaemonAnnotations(annotations: Annotations, hook: ResponseAnnotationsHook | undefined): void {
  if (!hook) return;
  for (const [id, value] of Object.entries(hook())) {
    if (id.length !== 4) throw new PyroError(`responseAnnotations: annotation ids must be 4 characters, got ${JSON.stringify(id)}`);
    annotations.set(id, typeof value === "string" ? Buffer.from(value) : value);
  }
}
