/**
 * `@callback` methods report their errors on the daemon's side too: by default on stderr (checked
 * in the interop and example suites), or to the daemon's `onCallbackError` when one is given.
 */
import { expect } from "chai";
import { Daemon, Proxy, RemoteError, callback, expose } from "@pyrots/core";

@expose
class Listener {
  @callback
  refuse(value: number): void {
    throw new RangeError(`${value} is out of range`);
  }

  @callback
  async refuseLater(value: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    throw new TypeError(`${value} is not wanted`);
  }

  plain(): void {
    throw new Error("not a callback");
  }
}

interface ListenerApi {
  refuse(value: number): void;
  refuseLater(value: number): Promise<void>;
  plain(): void;
}

async function remoteErrorOf(promise: Promise<unknown>): Promise<RemoteError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(RemoteError);
  return error as RemoteError;
}

describe("errors in @callback methods", () => {
  it("go to the daemon's onCallbackError (sync and async methods), and to the caller as always", async () => {
    const reported: [string, unknown][] = [];
    await using daemon = await Daemon.create({ host: "127.0.0.1", onCallbackError: (method, error) => reported.push([method, error]) });
    const uri = daemon.register(Listener, "listener");
    await using proxy = new Proxy<ListenerApi>(uri);
    expect((await remoteErrorOf(proxy.refuse(41))).remoteType).to.equal("builtins.ValueError");
    expect((await remoteErrorOf(proxy.refuseLater(42))).remoteType).to.equal("builtins.TypeError");
    await remoteErrorOf(proxy.plain());
    expect(reported.map(([method, error]) => [method, (error as Error).message])).to.deep.equal([
      ["refuse", "41 is out of range"],
      ["refuseLater", "42 is not wanted"],
    ]);
    expect(reported[0]![1]).to.be.instanceOf(RangeError);
  });
});
