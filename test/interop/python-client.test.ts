/**
 * A Python Pyro4 or Pyro5 client calls a pyrots daemon, per serializer. client.py runs every check once per
 * serializer (a Python start costs ~150 ms) and reports observations; each `it` asserts one.
 */
import { expect } from "chai";
import { Daemon, NamingError, PythonError, behavior, expose, oneway } from "@pyrots/core";
import { PYTHON_PYROS, SERIALIZERS, describeInterop, pythonLabel, runPythonJson } from "../support/python.js";
import { type Described, JS_VALUES, PYTHON_VALUES, afterRoundTrip, jsValueMap, kind } from "./values.js";

interface ErrorInfo {
  type: string;
  str: string;
  attrs: Record<string, string>;
  traceback: string[] | null;
}
type Outcome = { ok: true; value: unknown } | { ok: false; error: ErrorInfo };
type Results = Record<string, Outcome>;

const WAIT_MS = 5_000;

/** A promise with its resolver, settled at most once. */
function signal<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function within<T>(promise: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), WAIT_MS)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

@behavior({ instanceMode: "single" })
class Lab {
  private _value: unknown = "initial";
  private fireToken = signal<string>();
  private unblocked = signal<void>();
  private blockResult = signal<string>();

  @expose echo(value: unknown) {
    return value;
  }
  @expose kind(value: unknown) {
    return kind(value);
  }
  @expose values() {
    return jsValueMap();
  }
  @expose bytesValue() {
    return Buffer.from([0, 1, 255]);
  }
  @expose greet(name: string, punctuation = "!") {
    return `Hello ${name}${punctuation}`;
  }
  @expose get value(): unknown {
    return this._value;
  }
  set value(value: unknown) {
    this._value = value;
  }
  @expose get readonly() {
    return "fixed";
  }
  @expose @oneway fire(token: string) {
    this.fireToken.resolve(token);
  }
  @expose fired() {
    return within(this.fireToken.promise, "fire() never arrived");
  }
  /** Waits for unblock(): a caller that waited for this oneway call would never send unblock(). */
  @expose @oneway async block(token: string) {
    const released = await within(
      this.unblocked.promise.then(() => true),
      false,
    );
    this.blockResult.resolve(released ? token : "not released: the caller waited for a oneway call");
  }
  @expose unblock() {
    this.unblocked.resolve();
    return within(this.blockResult.promise, "block() never arrived");
  }
  @expose failValue(message: string) {
    throw new PythonError("builtins.ValueError", message);
  }
  @expose failType() {
    throw new TypeError("wrong type");
  }
  @expose failRange() {
    throw new RangeError("out of range");
  }
  @expose failPlain() {
    throw new Error("plain failure");
  }
  @expose failAttrs() {
    throw Object.assign(new PythonError("builtins.ValueError", "with attributes"), { code: 42, detail: "extra" });
  }
  @expose failNaming(message: string) {
    throw new NamingError(message);
  }
  hidden() {
    return "not exposed";
  }
  _private() {
    return "secret";
  }
}

function counterClass(instanceMode: "single" | "session" | "percall") {
  @expose
  @behavior({ instanceMode })
  class Counter {
    count = 0;
    incr() {
      return ++this.count;
    }
  }
  return Counter;
}

function valueOf(results: Results, check: string): unknown {
  const outcome = results[check];
  expect(outcome, `no result for check ${check}`).to.not.equal(undefined);
  if (!outcome!.ok) expect.fail(`${check} raised ${outcome!.error.type}: ${outcome!.error.str}`);
  return outcome!.value;
}

function errorOf(results: Results, check: string): ErrorInfo {
  const outcome = results[check];
  expect(outcome, `no result for check ${check}`).to.not.equal(undefined);
  if (outcome!.ok) expect.fail(`${check} should have raised, returned ${JSON.stringify(outcome!.value)}`);
  return outcome!.error;
}

function expectRaised(results: Results, check: string, type: string, str: string | RegExp): ErrorInfo {
  const error = errorOf(results, check);
  expect(error.type, `${check}: ${error.str}`).to.equal(type);
  if (typeof str === "string") expect(error.str).to.equal(str);
  else expect(error.str).to.match(str);
  return error;
}

for (const pyro of PYTHON_PYROS)
  for (const serializer of SERIALIZERS) {
    describeInterop(
      `Python ${pyro.name} client calling a pyrots daemon (${pythonLabel(pyro, serializer)})`,
      function () {
        let daemon: Daemon | undefined;
        let results: Results;

        before(async function () {
          this.timeout(60_000);
          daemon = await Daemon.create({ host: "127.0.0.1" });
          daemon.register(Lab, "interop.lab");
          for (const mode of ["single", "session", "percall"] as const) daemon.register(counterClass(mode), `interop.${mode}`);
          results = await runPythonJson<Results>("client.py", [daemon.locationStr], serializer, {}, 60_000, pyro);
        });

        after(async () => {
          await daemon?.shutdown();
        });

        describe("values", () => {
          for (const value of PYTHON_VALUES) {
            if (value.name === "bytes" && serializer === "json") continue;
            it(`${value.name} ${value.python[1]} reaches TS as ${value.ts[serializer]} and comes back as ${afterRoundTrip(value, serializer)[1]}`, () => {
              expect(valueOf(results, `kind.${value.name}`)).to.equal(value.ts[serializer]);
              expect(valueOf(results, `roundtrip.${value.name}`)).to.deep.include({ back: afterRoundTrip(value, serializer) });
            });
          }

          if (serializer === "json") {
            it(`bytes cannot be sent by a ${pyro.name} json client (SerializeError before sending)`, () => {
              expectRaised(results, "roundtrip.bytes", pyro.errors("SerializeError"), /bytes/);
            });
          }
          if (serializer !== "msgpack") {
            it("bytes returned by TS arrive as the base64 map (serpent's own bytes form, documented for json)", () => {
              expect(valueOf(results, "bytes_value")).to.deep.equal(["dict", "{'data': 'AAH/', 'encoding': 'base64'}"]);
            });
          } else {
            it("bytes returned by TS arrive as Python bytes", () => {
              expect(valueOf(results, "bytes_value")).to.deep.equal(["bytes", "b'\\x00\\x01\\xff'"]);
            });
          }

          it("values made in TS (bigint, NaN, ±Infinity, nested maps, null, booleans) arrive as the right Python types", () => {
            const expected: Record<string, Described> = {};
            for (const v of JS_VALUES) if (v.name !== "bytes" && v.name !== "undefined") expected[v.name] = v.python[serializer];
            expect(valueOf(results, "values")).to.deep.equal(expected);
          });
        });

        describe("members", () => {
          it("the handshake metadata lists exposed methods, oneway methods and properties only", () => {
            const meta = valueOf(results, "metadata") as { methods: string[]; oneway: string[]; attrs: string[] };
            expect(meta.oneway).to.deep.equal(["block", "fire"]);
            expect(meta.attrs).to.deep.equal(["readonly", "value"]);
            expect(meta.methods).to.include.members(["echo", "kind", "fire", "block", "failValue", "greet"]);
            expect(meta.methods).to.not.include.members(["hidden", "_private", "constructor", "value"]);
          });

          it("a property is read, set to a nested map and read back", () => {
            expect(valueOf(results, "property.initial")).to.equal("initial");
            expect(valueOf(results, "property.set")).to.equal(null);
            expect(valueOf(results, "property.after_set")).to.deep.equal({ set: [1, 2] });
          });

          it("setting a read-only property is refused with AttributeError", () => {
            expectRaised(results, "property.readonly_set", "builtins.AttributeError", /readonly/);
          });

          it("reading a private instance field is refused with AttributeError", () => {
            expectRaised(results, "property.private_get", "builtins.AttributeError", /_value/);
          });

          it("keyword arguments bind to TS parameter names", () => {
            expect(valueOf(results, "kwargs")).to.equal("Hello Ann?");
            expectRaised(results, "kwargs.unknown", "builtins.TypeError", "greet() got an unexpected keyword argument 'colour'");
          });

          it("too many positional arguments raise TypeError", () => {
            expectRaised(results, "arity", "builtins.TypeError", "echo() takes 1 positional argument but 2 were given");
          });
        });

        describe("oneway", () => {
          it("a oneway call's effect is visible to a later call", () => {
            expect(valueOf(results, "oneway.effect")).to.equal("token-1");
          });

          it("the client does not wait for a oneway call, and the daemon runs the next call meanwhile", () => {
            expect(valueOf(results, "oneway.no_wait")).to.equal("released");
          });
        });

        describe("instance modes", () => {
          const expected = { single: [1, 2, 3], session: [1, 2, 1], percall: [1, 1, 1] };
          for (const [mode, counts] of Object.entries(expected)) {
            it(`${mode}: incr() twice on one proxy, once on another gives ${counts.join(", ")}`, () => {
              expect(valueOf(results, `mode.${mode}`)).to.deep.equal(counts);
            });
          }
        });

        describe("exceptions", () => {
          it("a PythonError('builtins.ValueError') arrives as ValueError with message and a traceback of the TS frames", () => {
            const error = expectRaised(results, "error.value", "builtins.ValueError", "bad value");
            const traceback = error.traceback!;
            expect(traceback, "_pyroTraceback").to.be.an("array").with.length.above(2);
            expect(traceback[0]).to.equal("Traceback (most recent call last):\n");
            expect(traceback.at(-1)).to.equal("ValueError: bad value\n");
            expect(traceback.join(""), "a frame of the TS method").to.match(/python-client\.test\.js", line \d+, in .*failValue/);
          });

          it("a JS TypeError arrives as TypeError", () => {
            expectRaised(results, "error.type", "builtins.TypeError", "wrong type");
          });

          it("a JS RangeError arrives as ValueError", () => {
            expectRaised(results, "error.range", "builtins.ValueError", "out of range");
          });

          it("a plain JS Error arrives as Exception", () => {
            expectRaised(results, "error.plain", "builtins.Exception", "plain failure");
          });

          it("custom properties of a thrown error arrive as exception attributes", () => {
            const error = expectRaised(results, "error.attrs", "builtins.ValueError", "with attributes");
            expect(error.attrs).to.deep.equal({ code: "42", detail: "'extra'" });
          });

          it(`a NamingError arrives as ${pyro.errors("NamingError")}`, () => {
            expectRaised(results, "error.naming", pyro.errors("NamingError"), "no such name");
          });
        });

        describe("refusals", () => {
          it("a private method is refused with AttributeError", () => {
            expectRaised(results, "refused.private", "builtins.AttributeError", "attempt to access private attribute '_private'");
          });

          it("an unexposed method is refused with AttributeError", () => {
            expectRaised(results, "refused.unexposed", "builtins.AttributeError", "attempt to access unexposed attribute 'hidden'");
          });

          it("an unknown method is refused with AttributeError", () => {
            expectRaised(results, "refused.unknown", "builtins.AttributeError", /'nosuch'/);
          });

          for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
            it(`the JS object internal '${name}' is refused with AttributeError`, () => {
              expectRaised(results, `refused.${name}`, "builtins.AttributeError", new RegExp(`'${name}'`));
            });
          }

          it(`the ${pyro.name} proxy itself refuses a name missing from the metadata`, () => {
            const error = expectRaised(results, "refused.client_side", "builtins.AttributeError", /no exposed attribute or method 'nosuch'/);
            expect(error.traceback, "raised locally, no remote traceback").to.equal(null);
          });

          it("a map with a __class__ key is refused with SerializeError, and the daemon keeps serving", () => {
            expectRaised(results, "class_dict", pyro.errors("SerializeError"), /foo\.Bar/);
            expect(valueOf(results, "class_dict.daemon_still_serves")).to.equal("still serving");
          });

          it("connecting to an unknown object fails with CommunicationError 'unknown object'", () => {
            expectRaised(results, "unknown_object", pyro.errors("CommunicationError"), /unknown object/);
          });
        });
      },
      pyro,
    );
  }
