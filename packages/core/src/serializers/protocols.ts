/**
 * The two Pyro protocols pyrots speaks, each as one bundle: its wire format (headers, see
 * `protocol/wire.ts`) and its serializers (class dicts of its dialect). A connection picks one
 * bundle when it knows what its peer speaks, and uses it for every message after.
 *
 * | protocol | version | serializer ids (on the wire)                 | class names          |
 * | -------- | ------- | -------------------------------------------- | -------------------- |
 * | Pyro4    | 48      | serpent 1, json 2, marshal 3, msgpack 6      | `Pyro4.core.URI`, …  |
 * | Pyro5    | 502     | serpent 1, marshal 2, json 3, msgpack 4      | `Pyro5.core.URI`, …  |
 *
 * Inside pyrots both use Pyro4's ids; `protocol/pyro5.ts` translates Pyro5's at the header.
 */
import { SerializeError } from "../errors.js";
import { PYRO4_WIRE, PYRO5_WIRE, type WireFormat } from "../protocol/wire.js";
import { PYRO4_DIALECT, type PyroDialect } from "./dialect.js";
import { createJsonSerializer } from "./json.js";
import { createMsgpackSerializer } from "./msgpack.js";
import { PYRO5_DIALECT } from "./pyro5-dialect.js";
import { jsonSerializer, msgpackSerializer, serpentSerializer } from "./registry.js";
import { createSerpentSerializer } from "./serpent.js";
import type { Serializer } from "./types.js";

/** One Pyro protocol: wire format and serializers. */
export interface PyroProtocol {
  /** `"Pyro4"` or `"Pyro5"`. */
  readonly name: string;
  readonly wire: WireFormat;
  readonly dialect: PyroDialect;
  /** The serializer for an id (Pyro4's numbering); SerializeError naming the ones spoken otherwise. */
  serializerById(id: number): Serializer;
  /** The serializer for a config name; SerializeError otherwise. */
  serializerByName(name: string): Serializer;
  /** This protocol's serializer of the same format as `serializer` (which may be the other protocol's). */
  twin(serializer: Serializer): Serializer;
}

function bundle(name: string, wire: WireFormat, dialect: PyroDialect, serializers: readonly Serializer[]): PyroProtocol {
  const byId = new Map(serializers.map((s) => [s.id, s]));
  const byName = new Map(serializers.map((s) => [s.name, s]));
  const spoken = serializers.map((s) => s.name).join(", ");
  const byNameOrThrow = (serializerName: string): Serializer => {
    const serializer = byName.get(String(serializerName).trim().toLowerCase());
    if (!serializer) throw new SerializeError(`serializer '${serializerName}' is unknown or not available (pyrots speaks ${spoken})`);
    return serializer;
  };
  return Object.freeze({
    name,
    wire,
    dialect,
    serializerById(id: number): Serializer {
      const serializer = byId.get(id);
      if (!serializer) throw new SerializeError(`no serializer available for id ${id} (pyrots speaks ${spoken} with ${name})`);
      return serializer;
    },
    serializerByName: byNameOrThrow,
    twin: (serializer: Serializer): Serializer => byId.get(serializer.id) ?? byNameOrThrow(serializer.name),
  });
}

/** Pyro4's protocol 48 with Pyro4's class names: what pyrots always spoke. */
export const PYRO4: PyroProtocol = bundle("Pyro4", PYRO4_WIRE, PYRO4_DIALECT, [msgpackSerializer, jsonSerializer, serpentSerializer]);

/** Pyro5's protocol 502 with Pyro5's class names. */
export const PYRO5: PyroProtocol = bundle("Pyro5", PYRO5_WIRE, PYRO5_DIALECT, [
  createMsgpackSerializer(PYRO5_DIALECT),
  createJsonSerializer(PYRO5_DIALECT),
  createSerpentSerializer(PYRO5_DIALECT),
]);

/** The protocol of a wire format. */
export function protocolOfWire(wire: WireFormat): PyroProtocol {
  return wire === PYRO5_WIRE ? PYRO5 : PYRO4;
}
