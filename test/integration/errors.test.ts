import { expect } from "chai";
import { CommunicationError, Daemon, DaemonError, NamingError, Proxy, PythonError, RemoteError, callWithKwargs, expose } from "@pyrots/core";
import { VARIANTS, startDaemon } from "../support/variants.js";
import { failure } from "@pyrots/test-support";

class CustomFailure extends Error {
  readonly code = 42;
}

@expose
class Failing {
  plain(): never {
    throw new Error("plain failure");
  }

  typeError(): never {
    throw new TypeError("wrong type");
  }

  rangeError(): never {
    throw new RangeError("out of range");
  }

  python(): never {
    throw new PythonError("builtins.KeyError", "missing key");
  }

  naming(): never {
    throw new NamingError("no such name");
  }

  custom(): never {
    throw new CustomFailure("custom");
  }

  async rejects(): Promise<never> {
    await Promise.resolve();
    throw new Error("async failure");
  }

  twoArgs(a: unknown, b: unknown): unknown[] {
    return [a, b];
  }
}

type FailingApi = { [K in "plain" | "typeError" | "rangeError" | "python" | "naming" | "custom" | "rejects"]: () => Promise<never> } & {
  twoArgs(...args: unknown[]): Promise<unknown[]>;
};

for (const variant of VARIANTS) {
  describe(`remote errors (${variant.name})`, () => {
    let daemon: Daemon;
    let uri: string;
    let remote: FailingApi & AsyncDisposable;

    before(async () => {
      daemon = await startDaemon(variant);
      uri = daemon.register(Failing, "failing").toString();
      remote = new Proxy<FailingApi>(uri, { serializer: variant.serializer }) as unknown as FailingApi & AsyncDisposable;
    });
    after(async () => {
      await remote[Symbol.asyncDispose]();
      await daemon.shutdown();
    });

    it("a thrown Error arrives as RemoteError builtins.Exception with a traceback", async () => {
      const error = await failure(remote.plain());
      expect(error).to.be.instanceOf(RemoteError);
      const remoteError = error as RemoteError;
      expect(remoteError.remoteType).to.equal("builtins.Exception");
      expect(remoteError.message).to.equal("plain failure");
      expect(remoteError.remoteTraceback?.[0]).to.equal("Traceback (most recent call last):\n");
      expect(remoteError.remoteTraceback?.at(-1)).to.match(/plain failure\n$/);
    });

    it("JS built-in errors travel as Python builtins", async () => {
      expect(((await failure(remote.typeError())) as RemoteError).remoteType).to.equal("builtins.TypeError");
      expect(((await failure(remote.rangeError())) as RemoteError).remoteType).to.equal("builtins.ValueError");
    });

    it("PythonError raises a named Python exception", async () => {
      const error = (await failure(remote.python())) as RemoteError;
      expect(error.remoteType).to.equal("builtins.KeyError");
      expect(error.args).to.deep.equal(["missing key"]);
    });

    it("Pyro errors arrive as their own class", async () => {
      const error = await failure(remote.naming());
      expect(error).to.be.instanceOf(NamingError);
      expect(error.message).to.equal("no such name");
    });

    it("custom attributes of an error travel along", async () => {
      const error = (await failure(remote.custom())) as RemoteError;
      expect(error.attributes.code).to.equal(42);
    });

    it("a rejected promise is a remote error too", async () => {
      expect((await failure(remote.rejects())).message).to.equal("async failure");
    });

    it("too many arguments give Python's TypeError", async () => {
      const error = (await failure(remote.twoArgs(1, 2, 3))) as RemoteError;
      expect(error.remoteType).to.equal("builtins.TypeError");
      expect(error.message).to.match(/takes 2 positional arguments but 3 were given/);
    });

    it("an unknown object is a DaemonError", async () => {
      const location = uri.slice(uri.indexOf("@") + 1);
      await using ghost = new Proxy<{ anything(): void }>(`PYRO:ghost@${location}`, { serializer: variant.serializer, metadata: false });
      const error = await failure(ghost.anything());
      expect(error).to.be.instanceOf(DaemonError);
      expect(error.message).to.equal("unknown object");
    });

    it("an unknown object in the handshake is refused with a CONNECTFAIL", async () => {
      const location = uri.slice(uri.indexOf("@") + 1);
      await using ghost = new Proxy<{ anything(): void }>(`PYRO:ghost@${location}`, { serializer: variant.serializer });
      const error = await failure(ghost.anything());
      expect(error).to.be.instanceOf(CommunicationError);
      expect(error.message).to.match(/rejected: unknown object/);
    });

    it("without metadata, private and unexposed names are refused by the daemon", async () => {
      await using raw = new Proxy<object>(uri, { serializer: variant.serializer, metadata: false });
      const privateError = (await failure((raw as unknown as { _hidden(): Promise<void> })._hidden())) as RemoteError;
      expect(privateError.remoteType).to.equal("builtins.AttributeError");
      expect(privateError.message).to.match(/private attribute '_hidden'/);
      // Names such as toString are local on a proxy: callWithKwargs sends them anyway.
      for (const name of ["toString", "__proto__", "inc.__class__"]) {
        const error = (await failure(callWithKwargs(raw, name, [], {}))) as RemoteError;
        expect(error.remoteType, name).to.equal("builtins.AttributeError");
      }
    });
  });
}
