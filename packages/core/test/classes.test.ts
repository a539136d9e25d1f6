import { expect } from "chai";
import {
  DaemonError,
  ExceptionWrapper,
  NamingError,
  ProtocolError,
  ProxyRef,
  PyroError,
  PythonError,
  RemoteError,
  SecurityError,
  SerializeError,
  URI,
  dictToClass,
  exceptionToDict,
  jsonSerializer,
  msgpackSerializer,
  tracebackOf,
} from "@pyrots/core/internal";

describe("Pyro4 class dicts", () => {
  describe("exceptionToDict", () => {
    it("describes a JS built-in error under its Python builtin name", () => {
      const dict = exceptionToDict(new TypeError("bad arg"), false);
      expect(dict).to.deep.equal({ __class__: "builtins.TypeError", __exception__: true, args: ["bad arg"], attributes: { _pyroTraceback: null } });
    });

    it("keeps PythonError args and type", () => {
      const dict = exceptionToDict(new PythonError("builtins.KeyError", "k", 2), false);
      expect(dict).to.deep.include({ __class__: "builtins.KeyError", args: ["k", 2] });
    });

    it("keeps a RemoteError's type, args and attributes when passing it on", () => {
      const remote = new RemoteError({ type: "mymod.MyErr", args: [1, "x"], attributes: { code: 7 }, traceback: ["Traceback...\n"] });
      const dict = exceptionToDict(remote, true);
      expect(dict).to.deep.equal({
        __class__: "mymod.MyErr",
        __exception__: true,
        args: [1, "x"],
        attributes: { code: 7, _pyroTraceback: ["Traceback...\n"] },
      });
    });

    it("names Pyro errors by their Pyro4 path", () => {
      expect(exceptionToDict(new NamingError("unknown name"), false)).to.deep.include({ __class__: "Pyro4.errors.NamingError", args: ["unknown name"] });
    });

    it("copies custom own properties but no error machinery", () => {
      const error = Object.assign(new Error("boom"), { code: "E42", retry: 3 });
      error.cause = new Error("inner");
      expect(exceptionToDict(error, false).attributes).to.deep.equal({ code: "E42", retry: 3, _pyroTraceback: null });
    });

    it("keeps function- and symbol-valued properties, which the encoders then refuse with their path", () => {
      const error = Object.assign(new Error("boom"), { code: "E42", handler: () => 1 });
      expect(exceptionToDict(error, false).attributes.handler).to.be.a("function");
      expect(() => msgpackSerializer.encode(error, 0, "exception")).to.throw(SerializeError, /^cannot send exception\.attributes\.handler: a function \(/);
      const withSymbol = Object.assign(new Error("boom"), { sym: Symbol("s") });
      expect(() => jsonSerializer.encode([withSymbol])).to.throw(SerializeError, /^cannot send value\[0\]\.attributes\.sym: a symbol \(/);
    });

    it("describes thrown non-errors as builtins.Exception with their text", () => {
      expect(exceptionToDict("just text", false)).to.deep.include({ __class__: "builtins.Exception", args: ["just text"] });
    });

    it("builds Python-style traceback lines from the JS stack", () => {
      function failingMethod(): never {
        throw new RangeError("out of range");
      }
      let caught: unknown;
      try {
        failingMethod();
      } catch (error) {
        caught = error;
      }
      const lines = exceptionToDict(caught, true).attributes._pyroTraceback as string[];
      expect(lines[0]).to.equal("Traceback (most recent call last):\n");
      expect(lines.at(-1)).to.equal("ValueError: out of range\n");
      expect(lines.every((line) => line.endsWith("\n"))).to.equal(true);
      const frames = lines.slice(1, -1);
      expect(frames.length).to.be.greaterThan(0);
      expect(frames.at(-1)).to.match(/^ {2}File ".*classes\.test\.js", line \d+, in failingMethod\n$/);
    });

    it("ends the traceback with the bare name when the message is empty", () => {
      expect(tracebackOf(new Error("")).at(-1)).to.equal("Exception\n");
    });
  });

  describe("dictToClass", () => {
    it("refuses class names with double underscores using Pyro4's text", () => {
      expect(() => dictToClass({ __class__: "__main__.MyError", __exception__: true, args: [] })).to.throw(
        SecurityError,
        "refused to deserialize types with double underscores in their name: __main__.MyError",
      );
      expect(() => dictToClass({ __class__: "os.__builtins__" })).to.throw(SecurityError);
    });

    it("refuses unknown classes with Pyro4's text", () => {
      expect(() => dictToClass({ __class__: "foo.Bar" })).to.throw(SerializeError, "unsupported serialized class: foo.Bar");
      expect(() => dictToClass({ __class__: "Pyro4.core.Other" })).to.throw(SerializeError, "unsupported serialized class: Pyro4.core.Other");
      expect(() => dictToClass({ __class__: "Pyro4.errors.NoSuchError", __exception__: true, args: [] })).to.throw(SerializeError);
      expect(() => dictToClass({ __class__: "Pyro4.util.JsonSerializer" })).to.throw(SerializeError);
      expect(() => dictToClass({ __class__: 42 })).to.throw(SerializeError, "unsupported serialized class: 42");
    });

    it("turns Pyro4.errors dicts into pyrots error classes with the remote traceback", () => {
      const error = dictToClass({
        __class__: "Pyro4.errors.DaemonError",
        __exception__: true,
        args: ["unknown object"],
        attributes: { _pyroTraceback: ["a\n", "b\n"] },
      });
      expect(error).to.be.instanceOf(DaemonError);
      expect(error).to.include({ message: "unknown object" });
      expect((error as PyroError).remoteTraceback).to.deep.equal(["a\n", "b\n"]);
      expect(dictToClass({ __class__: "Pyro4.errors.ProtocolError", args: ["x"] })).to.be.instanceOf(ProtocolError);
    });

    it("turns any other exception dict into a RemoteError", () => {
      const error = dictToClass({
        __class__: "mymod.MyErr",
        __exception__: true,
        args: ["a", 1],
        attributes: { extra: 1, _pyroTraceback: ["t\n"] },
      }) as RemoteError;
      expect(error).to.be.instanceOf(RemoteError);
      expect(error).to.deep.include({ remoteType: "mymod.MyErr", args: ["a", 1], attributes: { extra: 1 }, remoteTraceback: ["t\n"], message: "('a', 1)" });
      expect(error.remoteName).to.equal("MyErr");
    });

    it("rejects an _ExceptionWrapper without an exception", () => {
      expect(() => dictToClass({ __class__: "Pyro4.futures._ExceptionWrapper", exception: 5 })).to.throw(SerializeError);
    });

    it("rejects malformed URI and proxy states", () => {
      expect(() => dictToClass({ __class__: "Pyro4.core.URI", state: ["PYRO"] })).to.throw(PyroError, /invalid URI state/);
      expect(() => dictToClass({ __class__: "Pyro4.core.Proxy", state: [1] })).to.throw(PyroError, /invalid Proxy state/);
      expect(() => dictToClass({ __class__: "Pyro4.core.Proxy", state: ["PYRO:x@h:1", [], [], [], 0, "plain", "hello", 0] })).to.throw(
        ProtocolError,
        "hmac encoding error",
      );
    });
  });

  for (const serializer of [msgpackSerializer, jsonSerializer]) {
    describe(`round trips through ${serializer.name}`, () => {
      it("returns URIs, proxy references and wrapped errors as their classes", () => {
        const uri = URI.parse("PYRO:o@h:1");
        const ref = new ProxyRef({ uri, methods: ["m"], oneway: [], attrs: ["a"], hmacKey: Buffer.from("k") });
        const decoded = serializer.decode(serializer.encode([uri, ref, new ExceptionWrapper(new SyntaxError("s"))])) as unknown[];
        expect((decoded[0] as URI).equals(uri)).to.equal(true);
        // Without an endpoint's reviver a proxy arrives as inert data, its Pyro4 state as it came.
        const arrived = decoded[1] as ProxyRef;
        expect(arrived).to.be.instanceOf(ProxyRef);
        expect(arrived.uri.equals(uri)).to.equal(true);
        expect(arrived.hmacKey?.toString()).to.equal("k");
        expect(((decoded[2] as ExceptionWrapper).error as RemoteError).remoteType).to.equal("builtins.SyntaxError");
      });

      it("round-trips an exception dict with traceback and attributes", () => {
        const error = Object.assign(new TypeError("nope"), { field: "name" });
        const decoded = serializer.decode(serializer.encode(exceptionToDict(error, true))) as RemoteError;
        expect(decoded).to.be.instanceOf(RemoteError);
        expect(decoded).to.deep.include({ remoteType: "builtins.TypeError", message: "nope", attributes: { field: "name" } });
        expect(decoded.remoteTraceback?.at(-1)).to.equal("TypeError: nope\n");
      });

      it("refuses __class__ dicts nested deep inside a payload", () => {
        const payload = serializer.encode({ a: [1, { b: { __class__: "foo.Bar", x: 1 } }] });
        expect(() => serializer.decode(payload)).to.throw(SerializeError, "unsupported serialized class: foo.Bar");
        expect(() => serializer.decode(serializer.encode([{ __class__: "x__y" }]))).to.throw(SecurityError);
      });
    });
  }
});
