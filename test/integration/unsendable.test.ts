/**
 * Values that cannot cross the wire (docs/values.md), end to end: the caller gets a clear error
 * naming the part that could not be sent, nothing half-sent or silently changed, and the daemon
 * and the connection go on serving; over Pyro4's protocol 48 and Pyro5's 502 alike.
 */
import { expect } from "chai";
import { CommunicationError, Daemon, Proxy, RemoteError, SerializeError, callWithKwargs, expose } from "@pyrots/core";
import { coreOf } from "@pyrots/core/internal";
import { VARIANTS, startDaemon } from "../support/variants.js";
import { failure } from "@pyrots/test-support";

const FUNCTION = "a function (functions do not cross the wire; pass a proxy to an exposed object for callbacks)";

interface Node {
  name: string;
  parent?: { child: { parent: Node } };
}

@expose
class Values {
  calls = 0;

  count(): number {
    return ++this.calls;
  }

  echo(value: unknown): unknown {
    return value;
  }

  handlers(): unknown {
    return { handlers: { onDone: () => "done" } };
  }

  circular(): Node {
    const node: Node = { name: "root" };
    node.parent = { child: { parent: node } };
    return node;
  }

  forgotAwait(): unknown {
    return { pending: Promise.resolve(1) };
  }

  failsWithRetry(): never {
    throw Object.assign(new RangeError("bad input"), { retry: () => 1, code: 7 });
  }

  *items(): Generator<unknown> {
    yield 1;
    yield { next: Symbol("not data") };
  }
}

interface ValuesApi {
  count(): Promise<number>;
  echo(value: unknown): Promise<unknown>;
  handlers(): Promise<unknown>;
  circular(): Promise<unknown>;
  forgotAwait(): Promise<unknown>;
  failsWithRetry(): Promise<never>;
  items(): AsyncIterable<unknown>;
}

const PROTOCOLS = ["pyro4", "pyro5"] as const;

describe("a handshake answer that cannot be sent", () => {
  for (const protocol of PROTOCOLS) {
    it(`refuses the handshake with the reason, and the daemon goes on accepting connections (${protocol})`, async () => {
      let answer: unknown = { onReady: () => "ready" };
      await using daemon = await Daemon.create({ host: "127.0.0.1", validateHandshake: () => answer });
      const uri = daemon.register(Values, "values");
      await using first = new Proxy<ValuesApi>(uri, { protocol });
      const error = await failure(first.count());
      expect(error).to.be.instanceOf(CommunicationError);
      // A pyrots proxy asks for metadata in the handshake: the answer is the map {handshake, meta}.
      expect(error.message).to.include(`the daemon's handshake answer cannot be sent: cannot send handshake.handshake.onReady: ${FUNCTION}`);
      answer = "welcome";
      await using second = new Proxy<ValuesApi>(uri, { protocol });
      expect(await second.count()).to.equal(1);
    });
  }
});

for (const protocol of PROTOCOLS)
  for (const variant of VARIANTS) {
    describe(`values that cannot be sent, end to end (${variant.name}, ${protocol})`, () => {
      let daemon: Daemon;
      let remote: ValuesApi & AsyncDisposable;
      let served: Values;

      before(async () => {
        daemon = await startDaemon(variant);
        served = new Values();
        const uri = daemon.register(served, "values");
        remote = new Proxy<ValuesApi>(uri, { serializer: variant.serializer, protocol }) as unknown as ValuesApi & AsyncDisposable;
      });
      after(async () => {
        await remote[Symbol.asyncDispose]();
        await daemon.shutdown();
      });

      it("a method returning a function: the caller gets a SerializeError naming result.handlers.onDone, and the daemon keeps serving", async () => {
        const before = await remote.count();
        expect(coreOf(remote).protocolName).to.equal(protocol === "pyro5" ? "Pyro5" : "Pyro4");
        const error = await failure(remote.handlers());
        expect(error).to.be.instanceOf(SerializeError);
        expect(error.message).to.equal(`cannot send result.handlers.onDone: ${FUNCTION}`);
        expect(await remote.count()).to.equal(before + 1);
      });

      it("a method returning a circular value: the caller is told where the cycle closes", async () => {
        const error = await failure(remote.circular());
        expect(error).to.be.instanceOf(SerializeError);
        expect(error.message).to.equal("cannot send result.parent.child.parent: a circular reference back to result");
        expect(await remote.echo("still here")).to.equal("still here");
      });

      it("a method returning an object holding a Promise: the hint is the forgotten await", async () => {
        const error = await failure(remote.forgotAwait());
        expect(error).to.be.instanceOf(SerializeError);
        expect(error.message).to.equal("cannot send result.pending: a Promise (did you forget an await?)");
      });

      it("an error whose attributes cannot be sent still arrives with its Python class and message, and why the rest is missing", async () => {
        const error = (await failure(remote.failsWithRetry())) as RemoteError;
        expect(error).to.be.instanceOf(RemoteError);
        expect(error.remoteType).to.equal("builtins.ValueError");
        expect(error.message).to.equal(`bad input (pyrots could not send this exception whole: cannot send exception.attributes.retry: ${FUNCTION})`);
        expect(error.attributes).to.deep.equal({});
      });

      it("a call with a function argument is refused before anything is sent, and the connection stays usable", async () => {
        const calls = served.calls;
        const error = await failure(remote.echo({ cb: () => 1 }));
        expect(error).to.be.instanceOf(SerializeError);
        expect(error.message).to.equal(`cannot send args[0].cb: ${FUNCTION}`);
        const kwargsError = await failure(callWithKwargs(remote, "echo", [], { value: new WeakMap() }));
        expect(kwargsError.message).to.match(/^cannot send kwargs\.value: a WeakMap \(/);
        expect(served.calls).to.equal(calls);
        expect(await remote.echo([1, "two"])).to.deep.equal([1, "two"]);
      });

      it("a remote iterator item that cannot be sent ends the iteration with the error, after the items before it", async () => {
        const seen: unknown[] = [];
        const error = await failure(
          (async () => {
            for await (const item of remote.items()) seen.push(item);
          })(),
        );
        expect(seen).to.deep.equal([1]);
        expect(error).to.be.instanceOf(SerializeError);
        expect(error.message).to.equal("cannot send result.next: a symbol (symbols do not cross the wire: send a string)");
        expect(await remote.count()).to.be.a("number");
      });

      it("what can be sent arrives as docs/values.md says", async () => {
        const sent = { when: new Date(0), tags: new Set(["a"]), scores: new Map([["x", 1]]), gone: undefined, floats: new Float64Array([0.5]), zero: -0 };
        const echoed = (await remote.echo(sent)) as Record<string, unknown>;
        const serpent = variant.serializer === "serpent";
        expect(echoed.when).to.deep.equal(variant.serializer === "msgpack" ? new Date(0) : "1970-01-01T00:00:00.000Z");
        expect(echoed.tags).to.deep.equal(serpent ? new Set(["a"]) : ["a"]);
        expect(echoed.scores).to.deep.equal({ x: 1 });
        expect(echoed).to.not.have.property("gone");
        expect(echoed.floats).to.deep.equal([0.5]);
        expect(Object.is(echoed.zero, -0)).to.equal(true);
      });
    });
  }
