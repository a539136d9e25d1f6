/**
 * The loud failures of docs/values.md: every serializer refuses the same values with the same
 * message, naming the refused part's path from `args`, `kwargs` or the value's name; in Pyro4's
 * and in Pyro5's dialect alike (one shared walk, only the class names differ).
 */
import { expect } from "chai";
import {
  Complex,
  MAX_SEND_DEPTH,
  PYRO4,
  PYRO5,
  ProxyRef,
  SerializeError,
  type Serializer,
  URI,
  jsonSerializer,
  msgpackSerializer,
  serpentSerializer,
} from "@pyrots/core/internal";

/** Every serializer in both dialects: a name for the suite, the serializer, and its Pyro version. */
const SERIALIZERS: Array<[string, Serializer, string]> = [PYRO4, PYRO5].flatMap((protocol) =>
  ["msgpack", "json", "serpent"].map((name): [string, Serializer, string] => [`${name} (${protocol.name})`, protocol.serializerByName(name), protocol.name]),
);

const FUNCTION = "a function (functions do not cross the wire; pass a proxy to an exposed object for callbacks)";

function circular(): Record<string, unknown> {
  const node: Record<string, unknown> = { name: "root" };
  node.parent = { child: { parent: node } };
  return node;
}

function nested(levels: number): unknown {
  let value: unknown = "leaf";
  for (let i = 0; i < levels; i++) value = { next: value };
  return value;
}

/** A path of more than 240 characters as messages show it. */
function shortened(path: string): string {
  return path.length > 240 ? `${path.slice(0, 120)}…${path.slice(-120)}` : path;
}

/**
 * A value, and the message its refusal must have when it is sent as `value` (a function of the
 * Pyro version where the path runs through a class dict whose layout differs).
 */
const VALUES: Array<[string, unknown, string | ((pyro: string) => string)]> = [
  ["a function", { handlers: { onDone: () => undefined } }, `cannot send value.handlers.onDone: ${FUNCTION}`],
  ["a class (a function too)", [Map], `cannot send value[0]: ${FUNCTION}`],
  ["a symbol", { tag: Symbol("t") }, "cannot send value.tag: a symbol (symbols do not cross the wire: send a string)"],
  ["a Promise", { pending: Promise.resolve(1) }, "cannot send value.pending: a Promise (did you forget an await?)"],
  [
    "a thenable",
    [
      { then: undefined },
      new (class Deferred {
        then(): void {}
      })(),
    ],
    "cannot send value[1]: a thenable, an object with a then() method (did you forget an await?)",
  ],
  ["a circular reference", circular(), "cannot send value.parent.child.parent: a circular reference back to value"],
  [
    "an array holding itself",
    (() => {
      const a: unknown[] = [1];
      a.push(a);
      return a;
    })(),
    "cannot send value[1]: a circular reference back to value",
  ],
  [
    "a cycle through a Map, a Set and toJSON",
    (() => {
      const root = { map: new Map<string, unknown>() };
      root.map.set("k", new Set([0, { toJSON: () => ({ back: root }) }]));
      return root;
    })(),
    'cannot send [...value.map.get("k")][1].toJSON().back: a circular reference back to value',
  ],
  [
    "an Error attribute that points back",
    (() => {
      const e = Object.assign(new Error("x"), { self: null as unknown });
      e.self = e;
      return [e];
    })(),
    "cannot send value[0].attributes.self: a circular reference back to value[0]",
  ],
  [
    "nesting too deep (a long path shown by its ends)",
    nested(MAX_SEND_DEPTH + 1),
    `cannot send ${shortened("value" + ".next".repeat(MAX_SEND_DEPTH))}: nested deeper than ${MAX_SEND_DEPTH} levels (the most a pyrots receiver accepts by default): send it flatter, e.g. a linked list as an array`,
  ],
  ["an invalid Date", { when: new Date(NaN) }, "cannot send value.when: an invalid Date (its time is NaN)"],
  [
    "a Map with an object key",
    { index: new Map([[{ id: 1 }, "one"]]) },
    "cannot send value.index: a Map with a key that is an object (Python dict keys must be strings, numbers, booleans or null: use such keys, or send the entries as [key, value] pairs)",
  ],
  ["a function inside a Map value", new Map([["cb", () => 1]]), `cannot send value.get("cb"): ${FUNCTION}`],
  ["a function inside a Set", { s: new Set([1, () => 1]) }, `cannot send [...value.s][1]: ${FUNCTION}`],
  [
    "a WeakMap",
    { cache: new WeakMap() },
    "cannot send value.cache: a WeakMap (weak collections cannot be listed, so they do not cross the wire: send a Map or Set)",
  ],
  ["a WeakSet", [new WeakSet()], "cannot send value[0]: a WeakSet (weak collections cannot be listed, so they do not cross the wire: send a Map or Set)"],
  ["a WeakRef", { ref: new WeakRef({}) }, "cannot send value.ref: a WeakRef (send the value it holds, ref.deref())"],
  ["a RegExp", { pattern: /a+/g }, "cannot send value.pattern: a RegExp (send its .source and .flags as strings)"],
  [
    "a generator",
    { items: (function* () {})() },
    "cannot send value.items: an iterator (Generator): an iterator streams only as a method's return value; send [...iterator] for its items",
  ],
  [
    "a Map iterator",
    { keys: new Map().keys() },
    "cannot send value.keys: an iterator (Map Iterator): an iterator streams only as a method's return value; send [...iterator] for its items",
  ],
  [
    "another built-in object",
    { query: new URLSearchParams("a=1") },
    "cannot send value.query: a URLSearchParams object (a built-in type that does not cross the wire: send the plain values you need from it)",
  ],
  ["a function after a property that needed no change", { x: null, cb: () => 1 }, `cannot send value.cb: ${FUNCTION}`],
  ["a function after a property that needed a change", { when: new Date(0), cb: () => 1 }, `cannot send value.cb: ${FUNCTION}`],
  [
    "a proxy reference whose handshake data is a function",
    { ref: new ProxyRef({ uri: URI.parse("PYRO:obj@localhost:4000"), handshake: () => "hello" }) },
    // The handshake is the 7th element of Pyro4's proxy state, the 5th of Pyro5's.
    (pyro) => `cannot send value.ref.state[${pyro === "Pyro5" ? 4 : 6}]: ${FUNCTION}`,
  ],
  ["a key that is no identifier", { "two words": () => 1 }, `cannot send value["two words"]: ${FUNCTION}`],
  [
    "a function inside a class instance's field",
    {
      job: new (class Job {
        run = () => 1;
      })(),
    },
    `cannot send value.job.run: ${FUNCTION}`,
  ],
  ["a function in an Error's attributes", [Object.assign(new TypeError("t"), { retry: () => 1 })], `cannot send value[0].attributes.retry: ${FUNCTION}`],
  [
    "a getter that throws",
    {
      get broken(): never {
        throw new RangeError("no value yet");
      },
    },
    "cannot send value.broken: reading it threw RangeError: no value yet",
  ],
];

describe("values that cannot be sent are refused loudly, with their path", () => {
  for (const [name, serializer, pyro] of SERIALIZERS) {
    describe(name, () => {
      for (const [what, value, message] of VALUES) {
        it(what, () => {
          expect(() => serializer.encode(value))
            .to.throw(SerializeError)
            .with.property("message", typeof message === "string" ? message : message(pyro));
        });
      }

      it("names call arguments from args and kwargs", () => {
        const encode = (args: unknown[], kwargs: Record<string, unknown> | null) => () => serializer.encodeCall("obj", "m", args, kwargs);
        expect(encode([1, { handlers: { onDone: () => 1 } }], {})).to.throw(SerializeError, `cannot send args[1].handlers.onDone: ${FUNCTION}`);
        expect(encode([0, circular()], null)).to.throw(SerializeError, "cannot send args[1].parent.child.parent: a circular reference back to args[1]");
        expect(encode([() => 1], null)).to.throw(SerializeError, `cannot send args[0]: ${FUNCTION}`);
        expect(encode([], { callback: () => 1 })).to.throw(SerializeError, `cannot send kwargs.callback: ${FUNCTION}`);
        expect(encode([], { when: Promise.resolve() })).to.throw(SerializeError, "cannot send kwargs.when: a Promise (did you forget an await?)");
      });

      it("names the value as the caller asks (the daemon says result and exception)", () => {
        expect(() => serializer.encode({ x: Symbol() }, 0, "result")).to.throw(SerializeError, /^cannot send result\.x: a symbol/);
        expect(() => serializer.encode(() => 1, 0, "result")).to.throw(SerializeError, `cannot send result: ${FUNCTION}`);
      });

      it("refuses a cycle in a record whose copy had already begun", () => {
        const value: Record<string, unknown> = { big: 2 ** 40, when: new Date(0), gone: undefined };
        value.self = value;
        expect(() => serializer.encode(value)).to.throw(SerializeError, "cannot send value.self: a circular reference back to value");
      });

      it("accepts nesting up to the limit, counting the call's own two levels", () => {
        expect(() => serializer.encode(nested(MAX_SEND_DEPTH))).to.not.throw();
        expect(() => serializer.encodeCall("o", "m", [nested(MAX_SEND_DEPTH - 2)], null)).to.not.throw();
        expect(() => serializer.encodeCall("o", "m", [nested(MAX_SEND_DEPTH - 1)], null)).to.throw(
          SerializeError,
          /^cannot send args\[0\]\.next.*nested deeper than 128/,
        );
      });
    });
  }

  it("msgpack and json refuse integers of more than 4300 digits; serpent sends them in hex", () => {
    const huge = 10n ** 4300n;
    const why = (serializer: string) =>
      `cannot send value[0]: an integer of 4301 digits (${serializer} sends it as decimal text, and Python reads at most 4300 digits: use the serpent serializer, or send it as bytes)`;
    expect(() => msgpackSerializer.encode([huge]))
      .to.throw(SerializeError)
      .with.property("message", why("msgpack"));
    expect(() => jsonSerializer.encode([-huge]))
      .to.throw(SerializeError)
      .with.property("message", why("json"));
    expect(() => msgpackSerializer.encode(huge - 1n)).to.not.throw();
    expect(serpentSerializer.encode(huge).toString()).to.match(/\n0x[0-9a-f]+$/);
  });

  it("msgpack and json refuse Map keys that collide as text; serpent keeps both", () => {
    const map = new Map<unknown, unknown>([
      [1, "number"],
      ["1", "string"],
    ]);
    for (const serializer of [msgpackSerializer, jsonSerializer]) {
      expect(() => serializer.encode({ map }))
        .to.throw(SerializeError)
        .with.property(
          "message",
          `cannot send value.map: a Map with two keys that are both "1" as text, one of them "1" (${serializer.name} sends Map keys as text)`,
        );
    }
    expect(serpentSerializer.encode(map).toString()).to.match(/\{1:'number','1':'string'\}$/);
  });

  it("serpent refuses a Complex with a NaN part; msgpack sends it", () => {
    expect(() => serpentSerializer.encode({ z: new Complex(NaN, 1) })).to.throw(SerializeError, /^cannot send value\.z: a Complex with a NaN part/);
    expect(() => msgpackSerializer.encode({ z: new Complex(NaN, 1) })).to.not.throw();
  });
});
