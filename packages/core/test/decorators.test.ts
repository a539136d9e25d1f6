import { expect } from "chai";
import {
  type ExposedMembers,
  type MemberAccess,
  behavior,
  behaviorOf,
  callback,
  expose,
  exposedMembers,
  isPrivateName,
  oneway,
  resetExposedMembers,
  resolveMember,
} from "@pyrots/core/internal";

// Like Pyro4's echo server and the DESIGN example: every kind of member in one class.
@expose
class Worker {
  field = 1;
  #secret = 2;
  static create(): Worker {
    return new Worker();
  }
  getRate(pair: string): [string, number] {
    return [pair, 1.5];
  }
  @oneway
  log(_line: string): void {}
  @callback
  done(): void {}
  get region(): string {
    return "eu";
  }
  get level(): number {
    return this.#secret;
  }
  set level(value: number) {
    this.#secret = value;
  }
  set sink(_value: number) {}
  *ticks(n: number): Generator<number> {
    for (let i = 0; i < n; i++) yield i;
  }
  __len__(): number {
    return 3;
  }
  _helper(): void {}
  __hidden(): void {}
  #privateMethod(): number {
    return this.#secret;
  }
  usePrivate(): number {
    return this.#privateMethod();
  }
  ["a.b"](): void {}
  [Symbol.iterator](): Iterator<number> {
    return [1][Symbol.iterator]();
  }
}

function sorted(set: ReadonlySet<string>): string[] {
  return [...set].sort();
}

function refusal(members: ExposedMembers, name: string, kind: MemberAccess, instance?: object): string {
  try {
    resolveMember(members, name, kind, instance);
  } catch (error) {
    expect(error).to.have.property("pythonType", "builtins.AttributeError");
    expect((error as { args: unknown[] }).args).to.have.length(1);
    return (error as Error).message;
  }
  throw new Error(`expected ${kind} of ${name} to be refused`);
}

describe("decorators", () => {
  describe("@expose on a class", () => {
    const members = exposedMembers(Worker);

    it("exposes public methods, oneway ones included, and dunders", () => {
      expect(sorted(members.methods)).to.deep.equal(["__len__", "done", "getRate", "log", "ticks", "usePrivate"]);
    });

    it("records oneway and callback marks", () => {
      expect(sorted(members.oneway)).to.deep.equal(["log"]);
      expect(sorted(members.callbacks)).to.deep.equal(["done"]);
    });

    it("exposes accessors as attrs, split by getter and setter", () => {
      expect(sorted(members.attrs)).to.deep.equal(["level", "region", "sink"]);
      expect(sorted(members.readableAttrs)).to.deep.equal(["level", "region"]);
      expect(sorted(members.writableAttrs)).to.deep.equal(["level", "sink"]);
    });

    it("never exposes private names, fields, statics, #private, constructor, dotted names or symbols", () => {
      const all = [...members.methods, ...members.attrs];
      for (const name of ["_helper", "__hidden", "field", "create", "#privateMethod", "#secret", "constructor", "a.b"]) {
        expect(all).not.to.include(name);
      }
      expect(all.every((name) => typeof name === "string")).to.equal(true);
    });

    it("gives an instance the members of its class, computed once", () => {
      expect(exposedMembers(new Worker())).to.equal(members);
      expect(exposedMembers(Worker)).to.equal(members);
    });

    it("keeps the class name for refusal texts", () => {
      expect(members.className).to.equal("Worker");
    });
  });

  describe("@expose on members", () => {
    class Partial {
      @expose
      visible(): number {
        return 1;
      }
      @expose
      get value(): number {
        return 1;
      }
      hidden(): number {
        return 2;
      }
      @oneway
      fireUnexposed(): void {}
      @expose
      @oneway
      fire(): void {}
      @oneway
      @expose
      fireToo(): void {}
    }

    it("exposes only the decorated methods and accessors", () => {
      const members = exposedMembers(Partial);
      expect(sorted(members.methods)).to.deep.equal(["fire", "fireToo", "visible"]);
      expect(sorted(members.attrs)).to.deep.equal(["value"]);
      expect(sorted(members.writableAttrs)).to.deep.equal([]);
    });

    it("needs @expose for a oneway method to be reachable, in any decorator order", () => {
      const members = exposedMembers(Partial);
      expect(sorted(members.oneway)).to.deep.equal(["fire", "fireToo"]);
      expect(members.methods.has("fireUnexposed")).to.equal(false);
    });

    it("leaves a class without any @expose with empty sets", () => {
      class Plain {
        @oneway
        fire(): void {}
        method(): void {}
        get prop(): number {
          return 1;
        }
      }
      const members = exposedMembers(Plain);
      for (const set of [members.methods, members.oneway, members.attrs, members.readableAttrs, members.writableAttrs, members.callbacks]) {
        expect(set.size).to.equal(0);
      }
    });

    it("gives plain objects and null-prototype objects nothing", () => {
      expect(exposedMembers({ f() {} }).methods.size).to.equal(0);
      expect(exposedMembers(Object.create(null)).methods.size).to.equal(0);
    });
  });

  describe("inheritance (as Pyro4 4.82)", () => {
    class UnexposedBase {
      baseMethod(): void {}
      get baseProp(): number {
        return 1;
      }
    }
    @expose
    class ExposedChild extends UnexposedBase {
      own(): void {}
      @oneway
      fire(): void {}
    }
    class UndecoratedGrandChild extends ExposedChild {
      override own(): void {}
      extra(): void {}
    }
    @expose
    class ExposedGrandChild extends ExposedChild {
      override own(): void {}
    }

    it("@expose on a subclass does not expose an unexposed base class's members", () => {
      const members = exposedMembers(ExposedChild);
      expect(sorted(members.methods)).to.deep.equal(["fire", "own"]);
      expect(members.attrs.size).to.equal(0);
    });

    it("a subclass inherits exposed members it does not redefine, oneway marks too", () => {
      const members = exposedMembers(UndecoratedGrandChild);
      expect(sorted(members.methods)).to.deep.equal(["fire"]);
      expect(sorted(members.oneway)).to.deep.equal(["fire"]);
    });

    it("an undecorated override is not exposed; a re-exposed one is", () => {
      expect(exposedMembers(UndecoratedGrandChild).methods.has("own")).to.equal(false);
      expect(exposedMembers(ExposedGrandChild).methods.has("own")).to.equal(true);
      expect(refusal(exposedMembers(UndecoratedGrandChild), "own", "call")).to.equal("attempt to access unexposed attribute 'own'");
    });

    it("a subclass's getter-only redefinition drops the setter", () => {
      @expose
      class Base {
        get x(): number {
          return 1;
        }
        set x(_v: number) {}
      }
      @expose
      class Child extends Base {
        override get x(): number {
          return 2;
        }
      }
      expect(sorted(exposedMembers(Base).writableAttrs)).to.deep.equal(["x"]);
      expect(sorted(exposedMembers(Child).writableAttrs)).to.deep.equal([]);
      expect(sorted(exposedMembers(Child).readableAttrs)).to.deep.equal(["x"]);
    });
  });

  describe("cache", () => {
    it("recomputes after resetExposedMembers", () => {
      class Late {
        method(): void {}
      }
      const before = exposedMembers(Late);
      expect(before.methods.size).to.equal(0);
      expose(Late);
      expect(exposedMembers(Late)).to.equal(before);
      resetExposedMembers(new Late());
      expect(sorted(exposedMembers(Late).methods)).to.deep.equal(["method"]);
    });
  });

  describe("decoration-time errors", () => {
    function decorateMethod(name: string | symbol, decorator: (t: object, k: string | symbol, d: PropertyDescriptor) => void): void {
      const proto = { [name]: () => 1 };
      decorator(proto, name, Object.getOwnPropertyDescriptor(proto, name)!);
    }

    it("refuses exposing private names as Pyro4 does", () => {
      for (const name of ["_x", "__x", "_", "__init__", "__getattr__", "__setattr__", "__class__", "__str__"]) {
        expect(() => decorateMethod(name, expose), name).to.throw(TypeError, `exposing private names (starting with _) is not allowed: '${name}'`);
      }
    });

    it("allows dunder names such as __len__", () => {
      expect(() => decorateMethod("__len__", expose)).not.to.throw();
      expect(() => decorateMethod("__call_me__", expose)).not.to.throw();
    });

    it("refuses names every JavaScript object has", () => {
      for (const name of ["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__", "__defineGetter__", "isPrototypeOf", "prototype"]) {
        expect(() => decorateMethod(name, expose), name).to.throw(TypeError, `exposing '${name}' is not allowed`);
      }
    });

    it("refuses dotted names and symbols", () => {
      expect(() => decorateMethod("inc.__class__", expose)).to.throw(TypeError, "dotted");
      expect(() => decorateMethod(Symbol("s"), expose)).to.throw(TypeError, "symbol");
      expect(() => decorateMethod(Symbol.iterator, oneway)).to.throw(TypeError, "symbol");
    });

    it("refuses a class with a private name", () => {
      expect(() => expose(class _Hidden {})).to.throw(TypeError, "exposing private names");
    });

    it("refuses fields, statics and non-methods", () => {
      expect(() => (expose as unknown as (t: object, k: string) => void)({}, "field")).to.throw(TypeError, "fields are never remote");
      expect(() => expose(class Cls {}, "create", { value: () => 1 })).to.throw(TypeError, "static member");
      expect(() => expose({}, "data", { value: 3 })).to.throw(TypeError, "only methods and accessors");
      expect(() => oneway({}, "prop", { get: () => 3 })).to.throw(TypeError, "only methods");
      expect(() => callback({}, "prop", { value: "x" })).to.throw(TypeError, "only methods");
      expect(() => (expose as unknown as () => void)()).to.throw(TypeError, "without parentheses");
    });
  });

  describe("@behavior", () => {
    it("defaults to session", () => {
      class Plain {}
      expect(behaviorOf(Plain)).to.deep.equal({ instanceMode: "session" });
      expect(behaviorOf(new Plain())).to.deep.equal({ instanceMode: "session" });
    });

    it("records the mode and creator, inherited by subclasses", () => {
      const creator = (cls: new () => object): object => new cls();
      @behavior({ instanceMode: "percall", instanceCreator: creator })
      class PerCall {}
      class Sub extends PerCall {}
      @behavior({ instanceMode: "single" })
      class Single extends PerCall {}
      expect(behaviorOf(PerCall)).to.deep.equal({ instanceMode: "percall", instanceCreator: creator });
      expect(behaviorOf(Sub).instanceMode).to.equal("percall");
      expect(behaviorOf(Single)).to.deep.equal({ instanceMode: "single" });
      expect(behaviorOf(new Single()).instanceMode).to.equal("single");
    });

    it("treats a missing mode as session", () => {
      @behavior({})
      class Default {}
      expect(behaviorOf(Default).instanceMode).to.equal("session");
    });

    it("refuses an invalid mode or creator when the class is defined", () => {
      expect(() => behavior({ instanceMode: "bogus" as "single" })).to.throw(TypeError, 'invalid instance mode: "bogus"');
      expect(() => behavior({ instanceCreator: 42 as unknown as () => object })).to.throw(TypeError, "instanceCreator must be a function");
      expect(() => behavior(class {} as unknown as object)).to.throw(TypeError, "@behavior needs options");
      const decorate = behavior({ instanceMode: "single" }) as unknown as (...args: unknown[]) => void;
      expect(() => decorate({}, "method", { value: () => 1 })).to.throw(TypeError, "only be used on a class");
    });
  });

  describe("resolveMember", () => {
    const members = exposedMembers(Worker);

    it("allows exposed calls, gets and sets", () => {
      for (const name of ["getRate", "log", "ticks", "__len__", "done"]) expect(() => resolveMember(members, name, "call")).not.to.throw();
      for (const name of ["region", "level"]) expect(() => resolveMember(members, name, "get")).not.to.throw();
      for (const name of ["level", "sink"]) expect(() => resolveMember(members, name, "set")).not.to.throw();
    });

    it("refuses private names with Pyro4's text", () => {
      for (const name of ["_helper", "__hidden", "_nope", "__init__", "__class__", "__getattr__"]) {
        expect(refusal(members, name, "call")).to.equal(`attempt to access private attribute '${name}'`);
      }
    });

    it("refuses JavaScript plumbing and Object.prototype members as private", () => {
      const names = [
        "constructor",
        "__proto__",
        "prototype",
        "toString",
        "hasOwnProperty",
        "valueOf",
        "isPrototypeOf",
        "propertyIsEnumerable",
        "toLocaleString",
        "__defineGetter__",
        "__defineSetter__",
        "__lookupGetter__",
        "__lookupSetter__",
      ];
      for (const name of names) {
        expect(refusal(members, name, "call")).to.equal(`attempt to access private attribute '${name}'`);
        expect(refusal(members, name, "get")).to.equal(`attempt to access unexposed or unknown remote attribute '${name}'`);
        expect(refusal(members, name, "set")).to.equal(`attempt to access unexposed or unknown remote attribute '${name}'`);
      }
    });

    it("refuses unexposed members, properties called as methods and instance fields", () => {
      const members = exposedMembers(UnexposedThing);
      expect(refusal(members, "method", "call")).to.equal("attempt to access unexposed attribute 'method'");
      expect(refusal(exposedMembers(Worker), "region", "call")).to.equal("attempt to access unexposed attribute 'region'");
      expect(refusal(exposedMembers(Worker), "field", "call", new Worker())).to.equal("attempt to access unexposed attribute 'field'");
      expect(refusal(exposedMembers(Worker), "field", "call")).to.equal("'Worker' object has no attribute 'field'");
    });

    it("refuses unknown, dotted, #private and symbol-like names as missing", () => {
      for (const name of ["nope", "inc.__class__", "getRate.constructor", "#privateMethod", "#secret", "Symbol(Symbol.iterator)", "a.b.c", ""]) {
        expect(refusal(members, name, "call")).to.equal(`'Worker' object has no attribute '${name}'`);
      }
    });

    it("refuses get of a non-accessor and set of a read-only accessor", () => {
      expect(refusal(members, "getRate", "get")).to.equal("attempt to access unexposed or unknown remote attribute 'getRate'");
      expect(refusal(members, "region", "set")).to.equal("attempt to access unexposed or unknown remote attribute 'region'");
      expect(refusal(members, "sink", "get")).to.equal("attempt to access unexposed or unknown remote attribute 'sink'");
      expect(refusal(members, "_helper", "get")).to.equal("attempt to access unexposed or unknown remote attribute '_helper'");
      expect(refusal(exposedMembers(UnexposedThing), "prop", "get")).to.equal("attempt to access unexposed or unknown remote attribute 'prop'");
    });

    it("refuses get and set of unknown names as Python's type lookup does", () => {
      for (const name of ["nope", "a.b", "field", "_nope"]) {
        expect(refusal(members, name, "get")).to.equal(`type object 'Worker' has no attribute '${name}'`);
        expect(refusal(members, name, "set")).to.equal(`type object 'Worker' has no attribute '${name}'`);
      }
    });

    it("survives non-string names from a malformed request", () => {
      expect(refusal(members, 42 as unknown as string, "call")).to.equal("'Worker' object has no attribute '42'");
    });
  });

  describe("isPrivateName", () => {
    it("follows Pyro4's rule plus JavaScript's reserved names", () => {
      const expected: Record<string, boolean> = {
        x: false,
        _x: true,
        __x: true,
        __x__: false,
        ____: true,
        ___: true,
        __len__: false,
        __init__: true,
        __eq__: true,
        constructor: true,
        __proto__: true,
        prototype: true,
        toString: true,
        x_: false,
      };
      for (const [name, isPrivate] of Object.entries(expected)) expect(isPrivateName(name), name).to.equal(isPrivate);
    });
  });
});

class UnexposedThing {
  method(): void {}
  get prop(): number {
    return 1;
  }
}

describe("TC39 standard decorators (a tsconfig without experimentalDecorators)", () => {
  const classContext = { kind: "class", name: "Worker", addInitializer: () => undefined, metadata: {} };
  const methodContext = { kind: "method", name: "run", static: false, private: false, addInitializer: () => undefined, metadata: {} };

  it("each decorator says to set experimentalDecorators, instead of a puzzling error", () => {
    class Worker {
      run(): void {}
    }
    const expected = /TC39 standard decorator: pyrots' decorators need TypeScript's legacy decorators\. Set "experimentalDecorators": true/;
    expect(() => (expose as unknown as (v: unknown, c: unknown) => void)(Worker, classContext)).to.throw(TypeError, expected);
    expect(() => (expose as unknown as (v: unknown, c: unknown) => void)(Worker.prototype.run, methodContext)).to.throw(TypeError, expected);
    expect(() => (oneway as unknown as (v: unknown, c: unknown) => void)(Worker.prototype.run, methodContext)).to.throw(TypeError, expected);
    expect(() => (callback as unknown as (v: unknown, c: unknown) => void)(Worker.prototype.run, methodContext)).to.throw(TypeError, expected);
    expect(() => (behavior({ instanceMode: "single" }) as unknown as (v: unknown, c: unknown) => void)(Worker, classContext)).to.throw(TypeError, expected);
  });
});
