/**
 * A pyrots proxy calls a Python Pyro4 or Pyro5 daemon (test/interop/python/server.py), per
 * serializer. The proxies leave `PROTOCOL` at auto: they find Pyro5's protocol by themselves.
 * One Python daemon per serializer; proxies are released after each suite.
 */
import { expect } from "chai";
import {
  CommunicationError,
  NamingError,
  Proxy,
  PyroError,
  RemoteError,
  SerializeError,
  TimeoutError,
  bind,
  callWithKwargs,
  metadataOf,
  release,
  serializerOf,
  setAttr,
  withOptions,
} from "@pyrots/core";
import { coreOf } from "@pyrots/core/internal";
import { PYRO5, PYTHON_PYROS, SERIALIZERS, type PythonDaemon, describeInterop, pythonLabel, startPythonDaemon } from "../support/python.js";
import { JS_VALUES } from "./values.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

/** Awaits a promise that must reject, and returns what it rejected with. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    const value = await promise;
    expect.fail(`expected a rejection, got ${String(value)}`);
  } catch (error) {
    return error as Error;
  }
}

function expectRemote(error: Error, type: string, message: string | RegExp): RemoteError {
  expect(error, String(error)).to.be.instanceOf(RemoteError);
  const remote = error as RemoteError;
  expect(remote.remoteType).to.equal(type);
  if (typeof message === "string") expect(remote.message).to.equal(message);
  else expect(remote.message).to.match(message);
  return remote;
}

for (const pyro of PYTHON_PYROS)
  for (const serializer of SERIALIZERS) {
    describeInterop(
      `pyrots proxy calling a Python ${pyro.name} daemon (${pythonLabel(pyro, serializer)})`,
      function () {
        let python: PythonDaemon | undefined;
        const proxies: object[] = [];
        /** A proxy released after the suite. */
        const proxy = (name: string, options: Record<string, unknown> = {}): Any => {
          const p = new Proxy<Any>(python!.uris[name]!, { serializer, timeout: 10, ...options });
          proxies.push(p);
          return p;
        };
        let lab: Any;

        before(async function () {
          this.timeout(30_000);
          python = await startPythonDaemon(serializer, "server.py", {}, pyro);
          lab = proxy("lab");
        });

        after(async () => {
          for (const p of proxies) release(p);
          await python?.stop();
        });

        describe("values", () => {
          it("decodes every Python value: ints up to 64 bits, NaN, ±inf, str, lists, tuples, nested maps, None, booleans", async () => {
            // Integers beyond 2^53 arrive exactly, as bigint, with either serializer.
            const bigint = (text: string) => BigInt(text);
            expect(await lab.values()).to.deep.equal({
              int63max: bigint("9223372036854775807"),
              int63min: bigint("-9223372036854775808"),
              uint64max: bigint("18446744073709551615"),
              int40: 2 ** 40,
              small: -5,
              float: 1.5,
              nan: NaN,
              inf: Infinity,
              ninf: -Infinity,
              str: "h\u00e9llo \u2713",
              list: [1, "two", [3.5]],
              tuple: [1, 2],
              nested: { a: { b: [1, { c: null }] } },
              none: null,
              true: true,
              false: false,
            });
          });

          for (const v of JS_VALUES) {
            it(`sends ${v.name} so that Python sees ${v.python[serializer].join(" ")}`, async () => {
              expect(await lab.describe(v.value)).to.deep.equal(v.python[serializer]);
            });
          }

          it("passes keyword arguments", async () => {
            expect(await callWithKwargs(lab, "describe_call", [1, "two"], { flag: true, n: 2n ** 40n })).to.deep.equal({
              args: ["1", "'two'"],
              kwargs: { flag: "True", n: "1099511627776" },
            });
          });

          if (serializer !== "json") {
            it("decodes Python bytes as a Buffer", async () => {
              const bytes = await lab.bytes_value();
              expect(Buffer.isBuffer(bytes), String(bytes)).to.equal(true);
              expect([...bytes]).to.deep.equal([0, 1, 255]);
            });
          } else {
            it("gets SerializeError when the Python daemon cannot put bytes into json, and the daemon keeps serving", async () => {
              const error = await rejection(proxy("lab").bytes_value());
              expect(error, String(error)).to.be.instanceOf(SerializeError);
              expect(error.message).to.match(/bytes/);
              expect(await proxy("lab").echo("still serving")).to.equal("still serving");
            });
          }
        });

        describe("members", () => {
          it("gets the exposed methods, oneway methods and properties in the handshake", async () => {
            await bind(lab);
            const meta = metadataOf(lab)!;
            expect([...meta.oneway].sort()).to.deep.equal(["block", "fire"]);
            expect([...meta.attrs].sort()).to.deep.equal(["readonly", "value"]);
            expect(meta.methods).to.include.members(["echo", "describe", "fail_value", "fire", "block"]);
            expect(meta.methods).to.not.include.members(["not_exposed", "_private"]);
          });

          it("reads a property, sets it to a nested map and reads it back", async () => {
            expect(await lab.value).to.equal("initial");
            await setAttr(lab, "value", { set: [1, 2n ** 40n] });
            expect(await lab.value).to.deep.equal({ set: [1, 2 ** 40] });
          });

          it("gets AttributeError for setting a read-only property", async () => {
            expect(await lab.readonly).to.equal("fixed");
            expectRemote(await rejection(setAttr(lab, "readonly", 1)), "builtins.AttributeError", /.+/);
          });
        });

        describe("oneway", () => {
          it("a oneway call's effect is visible to a later call", async () => {
            await lab.fire("token-1");
            expect(await lab.fired()).to.equal("token-1");
          });

          it("does not wait for a oneway call, so the next call on the same proxy releases it", async () => {
            await lab.block("released");
            expect(await lab.unblock()).to.equal("released");
          });
        });

        describe("timeouts and aborts (one request at a time per connection)", () => {
          it("a call that times out rejects with TimeoutError; the call queued behind it is answered", async () => {
            const p = proxy("lab");
            const slow = rejection(withOptions(p, { timeout: 0.3 }).sleep(1.5));
            const queued = p.echo("after the slow one");
            const error = await slow;
            expect(error, String(error)).to.be.instanceOf(TimeoutError);
            expect(await queued).to.equal("after the slow one");
          });

          it("an aborted call rejects with the signal's reason; the call queued behind it is answered", async () => {
            const p = proxy("lab");
            const controller = new AbortController();
            const slow = rejection(withOptions(p, { signal: controller.signal }).sleep(1.5));
            const queued = p.echo("after the aborted one");
            setTimeout(() => controller.abort(new Error("changed my mind")), 200);
            expect((await slow).message).to.equal("changed my mind");
            expect(await queued).to.equal("after the aborted one");
          });
        });

        describe("instance modes", () => {
          const expected = { single: [1, 2, 3], session: [1, 2, 1], percall: [1, 1, 1] };
          for (const [mode, counts] of Object.entries(expected)) {
            it(`${mode}: incr() twice on one proxy, once on another gives ${counts.join(", ")}`, async () => {
              const first = proxy(mode);
              const second = proxy(mode);
              expect([await first.incr(), await first.incr(), await second.incr()]).to.deep.equal(counts);
            });
          }
        });

        describe("exceptions", () => {
          it("a ValueError arrives as RemoteError builtins.ValueError with args and the Python traceback", async () => {
            const error = expectRemote(await rejection(lab.fail_value("bad value")), "builtins.ValueError", "bad value");
            expect(error.args).to.deep.equal(["bad value"]);
            const traceback = error.remoteTraceback!;
            expect(traceback[0]).to.equal("Traceback (most recent call last):\n");
            expect(traceback.at(-1)).to.equal("ValueError: bad value\n");
            expect(traceback.join("")).to.match(/server\.py", line \d+, in fail_value/);
          });

          it("custom exception attributes arrive in .attributes", async () => {
            const error = expectRemote(await rejection(lab.fail_attrs()), "builtins.ValueError", "with attributes");
            expect(error.attributes).to.deep.equal({ code: 42, detail: "extra" });
          });

          it("an exception of a user module keeps its module path, message and attributes", async () => {
            const error = expectRemote(await rejection(lab.fail_custom()), "interop_errors.CustomError", "custom failure");
            expect(error.attributes).to.deep.equal({ code: 7 });
          });

          it(`${pyro.errors("NamingError")} arrives as NamingError with the remote traceback`, async () => {
            const error = await rejection(lab.fail_naming("no such name"));
            expect(error, String(error)).to.be.instanceOf(NamingError);
            expect(error.message).to.equal("no such name");
            expect((error as NamingError).remoteTraceback?.join("")).to.match(/in fail_naming/);
          });

          it("ZeroDivisionError arrives with Python's message", async () => {
            expectRemote(await rejection(lab.fail_zero()), "builtins.ZeroDivisionError", "integer division or modulo by zero");
          });

          it("a wrong argument count arrives as TypeError", async () => {
            expectRemote(await rejection(lab.echo(1, 2)), "builtins.TypeError", /positional argument/);
          });
        });

        describe("refusals", () => {
          it("the proxy refuses a private name missing from the metadata without sending it", async () => {
            const error = await rejection(lab._private());
            expect(error, String(error)).to.be.instanceOf(PyroError).and.not.instanceOf(RemoteError);
            expect(error.message).to.match(/_private/);
          });

          it("the Python daemon refuses a private method with AttributeError", async () => {
            const raw = proxy("lab", { metadata: false });
            expectRemote(await rejection(raw._private()), "builtins.AttributeError", "attempt to access private attribute '_private'");
          });

          it("the Python daemon refuses an unexposed method with AttributeError", async () => {
            const raw = proxy("lab", { metadata: false });
            expectRemote(await rejection(raw.not_exposed()), "builtins.AttributeError", "attempt to access unexposed attribute 'not_exposed'");
          });

          it("the Python daemon refuses an unknown method with AttributeError", async () => {
            const raw = proxy("lab", { metadata: false });
            expectRemote(await rejection(raw.nosuch()), "builtins.AttributeError", /'nosuch'/);
          });

          it("a map with a __class__ key is refused with SerializeError, and the daemon keeps serving", async () => {
            const error = await rejection(proxy("lab").echo({ __class__: "foo.Bar", x: 1 }));
            expect(error, String(error)).to.be.instanceOf(SerializeError);
            expect(await proxy("lab").echo("still serving")).to.equal("still serving");
          });

          it("an unknown object fails the connection with CommunicationError 'unknown object'", async () => {
            const unknown: Any = new Proxy(python!.uris.lab!.replace("interop.lab", "interop.nosuch"), { serializer, timeout: 10 });
            proxies.push(unknown);
            const error = await rejection(unknown.echo(1));
            expect(error, String(error)).to.be.instanceOf(CommunicationError);
            expect(error.message).to.match(/unknown object/);
          });
        });
      },
      pyro,
    );
  }

describeInterop("pyrots proxy with no serializer chosen, Python Pyro4 daemon at its defaults", function () {
  let python: PythonDaemon | undefined;

  before(async function () {
    this.timeout(30_000);
    // The serpent variant starts Python with no PYRO_* variables: it accepts serpent, json and marshal.
    python = await startPythonDaemon("serpent");
  });
  after(() => python?.stop());

  it("the proxy is refused msgpack, falls back to serpent by itself and keeps it", async () => {
    await using lab = new Proxy<Any>(python!.uris.lab!, { env: {}, timeout: 10 });
    expect(await lab.echo([1, "two", { three: 3 }])).to.deep.equal([1, "two", { three: 3 }]);
    expect(await lab.describe("text")).to.deep.equal(["str", "'text'"]);
    expect(coreOf(lab).settingsForReplies().serializer.name).to.equal("serpent");
  });

  it("serializerOf tells the serializer in use: the configured one before connecting, the one it fell back to after", async () => {
    await using lab = new Proxy<Any>(python!.uris.lab!, { env: {}, timeout: 10 });
    expect(serializerOf(lab)).to.equal("msgpack");
    await bind(lab);
    expect(serializerOf(lab)).to.equal("serpent");
  });

  it("a proxy whose serializer was chosen gets the daemon's refusal, with what to do", async () => {
    await using lab = new Proxy<Any>(python!.uris.lab!, { serializer: "msgpack", env: {}, timeout: 10 });
    const error = await rejection(lab.echo(1));
    expect(error).to.be.instanceOf(CommunicationError);
    expect(error.message).to.include("serializer that is not accepted: 6").and.include("leave the proxy's serializer unset");
  });

  it("PYRO_SERIALIZER counts as a choice too", async () => {
    await using lab = new Proxy<Any>(python!.uris.lab!, { env: { PYRO_SERIALIZER: "msgpack" }, timeout: 10 });
    expect(await rejection(lab.echo(1))).to.be.instanceOf(CommunicationError);
  });
});

describeInterop(
  "pyrots proxy with nothing configured, Python Pyro5 daemon at its defaults",
  function () {
    let python: PythonDaemon | undefined;

    before(async function () {
      this.timeout(30_000);
      python = await startPythonDaemon("serpent", "server.py", {}, PYRO5);
    });
    after(() => python?.stop());

    it("the proxy's protocol-48 CONNECT is refused in 502, it reconnects with Pyro5's protocol and keeps it", async () => {
      await using lab = new Proxy<Any>(python!.uris.lab!, { env: {}, timeout: 10 });
      expect(coreOf(lab).protocolName).to.equal(undefined);
      expect(await lab.echo([1, "two", { three: 3 }])).to.deep.equal([1, "two", { three: 3 }]);
      expect(coreOf(lab).protocolName).to.equal("Pyro5");
      expect(await lab.describe("text")).to.deep.equal(["str", "'text'"]);
    });

    it("PROTOCOL=pyro5 speaks 502 from the first connect", async () => {
      await using lab = new Proxy<Any>(python!.uris.lab!, { env: { PYRO_PROTOCOL: "pyro5" }, timeout: 10 });
      expect(coreOf(lab).protocolName).to.equal("Pyro5");
      expect(await lab.echo("x")).to.equal("x");
    });

    it("PROTOCOL=pyro4 fails with the daemon's refusal and what it speaks", async () => {
      await using lab = new Proxy<Any>(python!.uris.lab!, { protocol: "pyro4", env: {}, timeout: 10 });
      const error = await rejection(lab.echo(1));
      expect(error).to.be.instanceOf(CommunicationError);
      expect(error.message).to.include("answered in Pyro5's protocol (502) to Pyro4's (48)").and.include("invalid protocol version: 48");
    });

    it("a proxy with an HMAC key refuses to speak Pyro5, which has no HMAC", async () => {
      await using lab = new Proxy<Any>(python!.uris.lab!, { hmacKey: "secret", env: {}, timeout: 10 });
      const error = await rejection(lab.echo(1));
      expect(error).to.be.instanceOf(CommunicationError);
      expect(error.message).to.match(/cannot speak Pyro5 .* with an HMAC key/);
    });
  },
  PYRO5,
);
