/**
 * Port of Pyro4's `examples/attributes`, the server: exposed properties (getters and setters)
 * beside plain fields and private members that stay out of reach.
 *
 * A Python `@property` is a getter (`get prop_value()`), its `.setter` a setter; `@expose` on
 * the class exposes methods and accessors, never plain fields, names starting with `_` (Python
 * dunders like `__dunder__` excepted, as in Pyro4) or `#private` members.
 */
import { expose } from "@pyrots/core";
import { serveSimple } from "../common/serve-simple.js";

@expose
class Thingy {
  private readonly sub = { name: "value" };
  private value = 42;
  private readonly _value = 123;
  readonly #value = 999;

  __dunder__(): string {
    return "yep";
  }

  __len__(): number {
    return 200;
  }

  getValue(): number {
    return this.value;
  }

  get prop_value(): number {
    return this.value;
  }

  set prop_value(value: number) {
    this.value = value;
  }

  get prop_sub(): Record<string, string> {
    return this.sub;
  }

  /** Not reachable remotely (a leading underscore), used here so that the fields are not unused. */
  _private(): number[] {
    return [this._value, this.#value];
  }
}

await serveSimple([[Thingy, "example.attributes"]], { ns: false });
