/**
 * Decoding the payload of a daemon's answer (a call's RESULT, a handshake's CONNECTOK or
 * CONNECTFAIL) with the serializer the answer names.
 */
import { SerializerId } from "../protocol/constants.js";
import type { Message } from "../protocol/message.js";
import { decodeMarshalString } from "../serializers/marshal.js";
import type { PyroProtocol } from "../serializers/protocols.js";
import type { DecodeContext } from "../serializers/types.js";
import { payloadOf } from "../transport/outgoing.js";

/** Decodes a reply payload with the serializer the reply names (of `protocol`). */
export function decodeReplyPayload(message: Message, context: DecodeContext, protocol: PyroProtocol): unknown {
  const payload = payloadOf(message, context.limits);
  if (message.serializerId === SerializerId.MARSHAL) return decodeMarshalString(payload);
  return protocol.serializerById(message.serializerId).decode(payload, context);
}
