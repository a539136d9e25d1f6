/**
 * Port of Pyro4's `examples/ser_custom/mycustomclasses.py`: two application classes that travel
 * as class dicts, and the hooks that convert them (Pyro4's `register_class_to_dict` and
 * `register_dict_to_class`).
 *
 * Sending: pyrots sends what an object's `toJSON()` returns. Thingy's hook names a made-up class;
 * OtherThingy's dict is the one serpent would make of the Python class by default.
 * Receiving: the `dictToClass` option of a proxy or daemon maps each class name to a converter.
 */
import type { DictToClass } from "@pyrots/core";
import { print, repr } from "../common/python.js";

const addresses = new WeakMap<object, string>();
let nextAddress = 0x7f3a2c001000;

/** Python's `hex(id(obj))`: an address-like number, one per object. */
function hexId(obj: object): string {
  let address = addresses.get(obj);
  if (address === undefined) {
    address = `0x${nextAddress.toString(16)}`;
    nextAddress += 0x40;
    addresses.set(obj, address);
  }
  return address;
}

export class Thingy {
  constructor(readonly number: number) {}

  toString(): string {
    return `<Thingy @${hexId(this)}, number=${this.number}>`;
  }

  /** The serializer hook: Thingy travels as a dict of a class name of its own. */
  toJSON(): Record<string, unknown> {
    print(`{serializer hook, converting to dict: ${String(this)}}`);
    return { __class__: "waheeee-custom-thingy", "number-attribute": this.number };
  }
}

export class OtherThingy {
  constructor(readonly number: number) {}

  toString(): string {
    return `<OtherThingy @${hexId(this)}, number=${this.number}>`;
  }

  /** No hook in the example: what serpent makes of the Python class by default (its attributes, then its name). */
  toJSON(): Record<string, unknown> {
    return { number: this.number, __class__: "mycustomclasses.OtherThingy" };
  }
}

/** The deserialization hooks both sides register. */
export const CUSTOM_CLASSES: Readonly<Record<string, DictToClass>> = {
  "waheeee-custom-thingy": (data) => {
    print(`{deserializer hook, converting to class: ${repr(data)}}`);
    return new Thingy(data["number-attribute"] as number);
  },
  "mycustomclasses.OtherThingy": (data) => {
    print(`{deserializer hook, converting to class: ${repr(data)}}`);
    return new OtherThingy(data.number as number);
  },
};

/** Python's `type(obj)` as printed, for the two classes. */
export function typeName(obj: unknown): string {
  return obj instanceof Thingy || obj instanceof OtherThingy ? `<class 'mycustomclasses.${obj.constructor.name}'>` : `<class '${typeof obj}'>`;
}
