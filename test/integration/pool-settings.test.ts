/**
 * A pool proxy passes its proxy settings to every worker's proxy: the protocol it speaks (seen on
 * the wire, in each connection's first header), its instruments (each call, to whichever worker),
 * and `CALLER_STACKS` (the caller's frames on a remote error's stack, or not).
 */
import net from "node:net";
import { expect } from "chai";
import { Daemon, type Instrument, RemoteError, type SentCall, behavior, expose, pool } from "@pyrots/core";
import { failure } from "@pyrots/test-support";

@behavior({ instanceMode: "single" })
@expose
class Worker {
  constructor(private readonly name: string) {}
  whoami(): string {
    return this.name;
  }
  fail(): never {
    throw new RangeError("no such thing");
  }
}

interface WorkerApi {
  whoami(): Promise<string>;
  fail(): Promise<never>;
}

/** A TCP pass-through to `port` on 127.0.0.1 that notes the protocol version of each connection's first header. */
async function versionTap(port: number, versions: number[]): Promise<net.Server> {
  const server = net.createServer((client) => {
    const daemon = net.connect({ host: "127.0.0.1", port });
    for (const socket of [client, daemon]) socket.on("error", () => (client.destroy(), daemon.destroy()));
    client.once("data", (chunk: Buffer) => versions.push(chunk.length >= 6 ? chunk.readUInt16BE(4) : -1));
    client.pipe(daemon);
    daemon.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

describe("pool proxies: every worker gets the pool's proxy settings", function () {
  this.timeout(20_000);
  const daemons: Daemon[] = [];
  const taps: net.Server[] = [];
  const versions: number[] = [];
  let uris: string[];

  before(async () => {
    uris = [];
    for (const name of ["a", "b"]) {
      const daemon = await Daemon.create({ host: "127.0.0.1", port: 0, env: {} });
      daemons.push(daemon);
      daemon.register(new Worker(name), "worker");
      const tap = await versionTap(daemon.uriFor("worker").port!, versions);
      taps.push(tap);
      uris.push(`PYRO:worker@127.0.0.1:${(tap.address() as net.AddressInfo).port}`);
    }
  });
  after(async () => {
    for (const tap of taps) tap.close();
    for (const daemon of daemons) await daemon.shutdown();
  });
  beforeEach(() => versions.splice(0));

  for (const [protocol, version] of [
    ["pyro5", 502],
    ["pyro4", 48],
  ] as const) {
    it(`PROTOCOL=${protocol} and instruments: each worker's connections speak ${version}, and the instrument sees every call`, async () => {
      const seen: SentCall[] = [];
      const recorder: Instrument = { calling: (call) => (seen.push(call), undefined) };
      await using fleet = pool<WorkerApi>({ uris }, { env: {}, protocol, instruments: [recorder], strategy: "round-robin" });
      const names = [];
      for (let i = 0; i < 4; i++) names.push(await fleet.whoami());
      expect(names.sort()).to.deep.equal(["a", "a", "b", "b"]);
      expect(versions.length, "one connection per worker at least").to.be.at.least(2);
      expect(new Set(versions)).to.deep.equal(new Set([version]));
      expect(
        seen
          .filter((call) => call.method === "whoami")
          .map((call) => String(call.uri))
          .sort(),
      ).to.deep.equal([uris[0], uris[0], uris[1], uris[1]].sort());
    });
  }

  it("CALLER_STACKS: a remote error's stack names the caller's code, unless turned off", async () => {
    await using withStacks = pool<WorkerApi>({ uris }, { env: {} });
    await using without = pool<WorkerApi>({ uris }, { env: {}, callerStacks: false });
    const shown = await failure(withStacks.fail());
    expect(shown).to.be.instanceOf(RemoteError);
    const [, callerPart] = shown.stack!.split("--- where the call was made ---");
    expect(callerPart, "the caller's frames").to.include("pool-settings.test.js:");
    const plain = await failure(without.fail());
    expect(plain).to.be.instanceOf(RemoteError);
    expect(plain.stack).to.not.include("where the call was made");
  });
});
