/**
 * The serializers pyrots speaks, by wire id and by config name.
 */
import { SerializeError } from "../errors.js";
import { jsonSerializer } from "./json.js";
import { msgpackSerializer } from "./msgpack.js";
import { serpentSerializer } from "./serpent.js";
import type { Serializer } from "./types.js";

export { jsonSerializer } from "./json.js";
export { msgpackSerializer } from "./msgpack.js";
export { serpentSerializer } from "./serpent.js";

const all: readonly Serializer[] = [msgpackSerializer, jsonSerializer, serpentSerializer];

const byId: ReadonlyMap<number, Serializer> = new Map(all.map((s) => [s.id, s]));
const byName: ReadonlyMap<string, Serializer> = new Map(all.map((s) => [s.name, s]));

/** Names of the serializers pyrots speaks, default first. */
export const serializerNames: readonly string[] = Object.freeze(all.map((s) => s.name));
/** Wire ids of the serializers pyrots speaks, default first. */
export const serializerIds: readonly number[] = Object.freeze(all.map((s) => s.id));

/** True when pyrots has a serializer with this wire id. */
export function isSerializerId(id: number): boolean {
  return byId.has(id);
}

/** The serializer for a wire id; SerializeError naming the accepted ids otherwise. */
export function serializerById(id: number): Serializer {
  const serializer = byId.get(id);
  if (!serializer) throw new SerializeError(`no serializer available for id ${id} (pyrots speaks ${[...byId].map(([i, s]) => `${i} = ${s.name}`).join(", ")})`);
  return serializer;
}

/** The serializer for a config name (case-insensitive); SerializeError naming the accepted names otherwise. */
export function serializerByName(name: string): Serializer {
  const serializer = byName.get(String(name).trim().toLowerCase());
  if (!serializer) throw new SerializeError(`serializer '${name}' is unknown or not available (pyrots speaks ${serializerNames.join(", ")})`);
  return serializer;
}
