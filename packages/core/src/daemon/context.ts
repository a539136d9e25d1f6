/**
 * The call context: what a remote method can learn about the call it is serving (Pyro's
 * `current_context`).
 *
 * ```ts
 * @expose class Service {
 *   whoAmI() {
 *     const ctx = currentContext();
 *     ctx.responseAnnotations.set("XTRA", Buffer.from("hi"));
 *     return ctx.client.address;
 *   }
 * }
 * ```
 *
 * It is available during the synchronous part of a method, that is before its first `await`
 * (read what you need first). This costs a call nothing unless the method asks: Node 20's
 * AsyncLocalStorage would slow every promise in the process.
 */
import type { Serializer } from "../serializers/types.js";
import { randomBytes } from "node:crypto";
import { PyroError } from "../errors.js";
import { Annotation } from "../protocol/constants.js";
import type { Message } from "../protocol/message.js";

/** Something that can be closed, tied to a client connection with `trackResource`. */
export interface Closable {
  close(): unknown;
}

/** What the context needs from the connection serving the call. */
export interface ContextClient {
  readonly address: string;
  readonly resources: Set<Closable>;
  /** The same object for every call on the connection (see {@link CallContext.client}). */
  readonly caller: { readonly address: string };
  /** The serializers the connection accepts, by id (its protocol's), once its handshake is done. */
  readonly accepted?: ReadonlyMap<number, Serializer>;
}

/** The context of the remote call being served. */
export interface CallContext {
  /**
   * The calling client: its address (`host:port`; `unknown` over a Unix socket). The same frozen
   * object for every call on one connection, so it can key per-connection state in a WeakMap.
   */
  readonly client: { readonly address: string };
  /**
   * The request's correlation id (16 bytes, the `CORR` annotation). When the client sent none, the
   * daemon makes one for this request (a random UUID, as Pyro4 does) the first time it is read,
   * and sends it back with the reply.
   */
  readonly correlationId: Uint8Array;
  /** The request's annotations (4-character ids to bytes). */
  readonly annotations: ReadonlyMap<string, Uint8Array>;
  /** Annotations to send back with the reply; ids must be 4 characters. */
  readonly responseAnnotations: Map<string, Uint8Array>;
  /** The request's sequence number, flags and serializer id. */
  readonly seq: number;
  readonly flags: number;
  readonly serializerId: number;
  /** Closes `resource` when the client's connection ends. */
  trackResource(resource: Closable): void;
  /** Forgets a tracked resource. */
  untrackResource(resource: Closable): void;
}

const NO_ANNOTATIONS: ReadonlyMap<string, Uint8Array> = new Map();

class Context implements CallContext {
  readonly responseAnnotations = new Map<string, Uint8Array>();
  /** The correlation id made for a request that came without one, once asked for. */
  madeCorrelationId: Uint8Array | undefined;

  constructor(
    private readonly owner: ContextClient,
    private readonly message: Message,
  ) {}

  get client() {
    return this.owner.caller;
  }
  get correlationId() {
    const sent = this.message.annotations?.get(Annotation.CORR);
    if (sent) return sent;
    this.madeCorrelationId ??= randomUuid();
    return this.madeCorrelationId;
  }
  get annotations() {
    return this.message.annotations ?? NO_ANNOTATIONS;
  }
  get seq() {
    return this.message.seq;
  }
  get flags() {
    return this.message.flags;
  }
  get serializerId() {
    return this.message.serializerId;
  }
  trackResource(resource: Closable): void {
    this.owner.resources.add(resource);
  }
  untrackResource(resource: Closable): void {
    this.owner.resources.delete(resource);
  }
}

/** A random (version 4) UUID's 16 bytes. */
export function randomUuid(): Uint8Array {
  const bytes = randomBytes(16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return bytes;
}

/**
 * The correlation id a reply carries: the request's own, or the one made for it when the method
 * read `correlationId` (Pyro4 makes one for every request; pyrots only when it is used).
 */
export function replyCorrelationId(message: Message, context: CallContext | undefined): Uint8Array | undefined {
  return message.annotations?.get(Annotation.CORR) ?? (context as Context | undefined)?.madeCorrelationId;
}

let activeClient: ContextClient | undefined;
let activeMessage: Message | undefined;
let activeContext: Context | undefined;

/**
 * The context of the remote call being served. Throws when called outside a remote call (or
 * after the method's first `await`).
 */
export function currentContext(): CallContext {
  if (activeContext) return activeContext;
  if (!activeClient || !activeMessage) throw new PyroError("currentContext() is only available inside a remote call, before its first await");
  activeContext = new Context(activeClient, activeMessage);
  return activeContext;
}

/** @internal Marks the start of a call's synchronous part. */
export function enterCall(client: ContextClient, message: Message): void {
  activeClient = client;
  activeMessage = message;
  activeContext = undefined;
}

/** @internal Ends the synchronous part; returns the context if the method asked for one. */
export function leaveCall(): CallContext | undefined {
  const context = activeContext;
  activeClient = undefined;
  activeMessage = undefined;
  activeContext = undefined;
  return context;
}

/** @internal The serializer the call being served is answered in, if known (for the built-in daemon object). */
export function activeSerializer(): Serializer | undefined {
  return activeMessage === undefined ? undefined : activeClient?.accepted?.get(activeMessage.serializerId);
}

/** @internal True when the call being served has set response annotations so far (for the built-in daemon object). */
export function activeResponseAnnotationsSet(): boolean {
  return (activeContext?.responseAnnotations.size ?? 0) > 0;
}

/** @internal The client of the call being served (for the built-in daemon object). */
export function activeCaller(): ContextClient | undefined {
  return activeClient;
}
