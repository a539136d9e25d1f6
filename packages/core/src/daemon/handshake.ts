/**
 * The daemon's side of the handshake: a CONNECT becomes a CONNECTOK (with the object's metadata
 * when asked, the `MPLX` request window, and the sealed-signing answer, see `protocol/seal.ts`) or
 * a CONNECTFAIL with Pyro4's reasons; both carry a correlation id and the daemon-wide
 * annotations (see `annotations.ts`). Decoding here runs under the small handshake limits, and
 * proxy references in the handshake stay data.
 *
 * A Pyro5 client (protocol 502) sends the same `{handshake, object}` map and always gets
 * `{handshake, meta}` back: Pyro5 has no `META_ON_CONNECT` flag (metadata always comes), and no
 * HMAC, so no sealing either.
 */
import type tls from "node:tls";
import { Flags, MessageType } from "../protocol/constants.js";
import { serializerIdToPyro5 } from "../protocol/pyro5.js";
import type { MessageSigning } from "../protocol/hmac.js";
import type { Annotations, Message } from "../protocol/message.js";
import { SEAL_KEY, newSealNonce, sealKeyFor, sealNonceIn } from "../protocol/seal.js";
import { PYRO4, type PyroProtocol } from "../serializers/protocols.js";
import type { Serializer } from "../serializers/types.js";
import { payloadOf } from "../transport/outgoing.js";
import { handshakeAnnotations, refusalAnnotations } from "./annotations.js";
import type { ObjectRegistry } from "./registry.js";
import { errorText } from "./replies.js";
import type { DaemonSettings } from "./settings.js";

/** Who is shaking hands. */
export interface Handshaker {
  /** `host:port` of the peer. */
  readonly address: string;
  /** Over TLS, the certificate the client presented. */
  readonly certificate: tls.PeerCertificate | undefined;
}

/** A handshake to accept: what to send back, and how the connection goes on. */
export interface HandshakeAccepted {
  readonly ok: true;
  readonly serializer: Serializer;
  readonly flags: number;
  readonly annotations: Annotations;
  readonly payload: unknown;
  /** The object the client asked for. */
  readonly objectId: string | undefined;
  /** Sealed signing agreed with a pyrots proxy, from the next message on. */
  readonly sealing: MessageSigning | undefined;
}

/** A handshake to refuse, with Pyro4's reason. */
export interface HandshakeRefused {
  readonly ok: false;
  readonly seq: number;
  readonly text: string;
  /** The serializer to send the reason in; absent: marshal, as before any serializer is agreed. */
  readonly serializer?: Serializer;
  /** The CONNECTFAIL's annotations (none when the client's message was no CONNECT). */
  readonly annotations?: Annotations;
}

/**
 * Answers a client's first message. `deniedReason`, when set, refuses the client with it (e.g. no
 * connection slot was free).
 */
export function answerHandshake(
  message: Message,
  client: Handshaker,
  settings: DaemonSettings,
  objects: ObjectRegistry,
  deniedReason: string | undefined,
  protocol: PyroProtocol = PYRO4,
): HandshakeAccepted | HandshakeRefused {
  // Pyro4 rejects the type while still reading the message, before it knows the seq.
  if (message.type !== MessageType.CONNECT) return { ok: false, seq: 0, text: `invalid msg type ${message.type} received` };
  if (deniedReason !== undefined) return refused(message, settings, deniedReason);
  const pyro5 = protocol !== PYRO4;
  if (pyro5 && settings.signing) {
    const text = `this daemon requires messages signed with its HMAC key, which ${protocol.name} cannot do (only Pyro4's protocol has HMAC): connect with a Pyro4 or pyrots client, or serve without HMAC_KEY (use TLS with client certificates instead)`;
    return refused(message, settings, text);
  }
  const serializer = (pyro5 ? settings.acceptedPyro5 : settings.accepted).get(message.serializerId);
  // Pyro4's words exactly: clients match on them (a pyrots proxy then tries another serializer).
  if (!serializer) return refused(message, settings, `message used serializer that is not accepted: ${wireSerializerId(message.serializerId, protocol)}`);
  try {
    // Before the handshake: small limits, and proxy references stay data.
    const context = { limits: settings.handshakeDecodeLimits };
    const data = serializer.decode(payloadOf(message, context.limits), context);
    const request = isRecord(data) ? data : {};
    const objectId = typeof request.object === "string" ? request.object : undefined;
    const validate = settings.validateHandshake;
    const response = validate ? validate({ address: client.address, objectId, certificate: client.certificate }, request.handshake) : "hello";
    // Announce that requests may overlap, and how many at once (the client queues the rest).
    const annotations = handshakeAnnotations(message, settings.responseAnnotations, Buffer.from(String(settings.maxInflight)));
    if (pyro5) {
      const payload = { handshake: response, meta: objects.metadataOf(request.object) };
      return { ok: true, serializer, flags: 0, annotations, payload, objectId, sealing: undefined };
    }
    const wantsMeta = (message.flags & Flags.META_ON_CONNECT) !== 0;
    const proxyNonce = settings.hmacKey ? sealNonceIn(request) : undefined;
    let flags = 0;
    let payload: unknown = response;
    let sealing: MessageSigning | undefined;
    if (wantsMeta || proxyNonce !== undefined) {
      flags = Flags.META_ON_CONNECT;
      const map: Record<string, unknown> = { handshake: response };
      if (wantsMeta) map.meta = objects.metadataOf(request.object);
      if (proxyNonce !== undefined) {
        const daemonNonce = newSealNonce();
        map[SEAL_KEY] = daemonNonce;
        sealing = Object.freeze({ key: sealKeyFor(settings.hmacKey!, proxyNonce, daemonNonce), sealed: true });
      }
      payload = map;
    }
    return { ok: true, serializer, flags, annotations, payload, objectId, sealing };
  } catch (error) {
    return refused(message, settings, errorText(error), serializer);
  }
}

function refused(message: Message, settings: DaemonSettings, text: string, serializer?: Serializer): HandshakeRefused {
  const annotations = refusalAnnotations(message, settings.responseAnnotations);
  return serializer ? { ok: false, seq: message.seq, text, serializer, annotations } : { ok: false, seq: message.seq, text, annotations };
}

/** A serializer id as the client wrote it (Pyro5's numbers differ from the ones pyrots uses inside). */
export function wireSerializerId(id: number, protocol: PyroProtocol): number {
  return protocol === PYRO4 ? id : serializerIdToPyro5(id);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
