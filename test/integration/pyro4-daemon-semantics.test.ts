/**
 * Daemon behaviour that Pyro4 programs rely on (found by running Pyro4's own examples against
 * pyrots, see test/compat): errors of oneway methods reported, serving only from requestLoop() when
 * asked, a correlation id for every call, daemon-wide response annotations, a hook for disconnected
 * clients, and remote tracebacks showing the application's own frames.
 */
import { expect } from "chai";
import { Daemon, type DisconnectedClient, Proxy, TimeoutError, currentContext, expose, oneway, withOptions } from "@pyrots/core";
import { capturingStderr } from "../interop/feature-support.js";
import { waitUntil } from "@pyrots/test-support";
import { startDaemon, VARIANTS } from "../support/variants.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@expose
class Semantics {
  @oneway
  failNow(): void {
    throw new RangeError("oneway failed at once");
  }

  @oneway
  async failLater(): Promise<void> {
    await sleep(1);
    throw new RangeError("oneway failed after an await");
  }

  @oneway
  fine(): void {}

  correlation(): string {
    return Buffer.from(currentContext().correlationId).toString("hex");
  }

  track(label: string): void {
    currentContext().trackResource({ close: () => closedResources.push(label) });
  }

  crash(): void {
    throwingHelper();
  }

  ping(): string {
    return "pong";
  }
}

function throwingHelper(): never {
  throw new TypeError("the application's own bug");
}

const closedResources: string[] = [];

interface SemanticsApi {
  failNow(): void;
  failLater(): void;
  fine(): void;
  correlation(): string;
  track(label: string): void;
  crash(): void;
  ping(): string;
}

for (const variant of VARIANTS.slice(0, 3)) {
  describe(`Pyro4 daemon semantics (${variant.name})`, () => {
    const proxyOptions = { serializer: variant.serializer };

    it("reports an error of a oneway method on stderr, thrown at once or after an await", async () => {
      await using daemon = await startDaemon(variant);
      const uri = daemon.register(Semantics, "semantics").toString();
      await using proxy = new Proxy<SemanticsApi>(uri, proxyOptions);
      const { stderr } = await capturingStderr(async () => {
        await proxy.fine();
        await proxy.failNow();
        await proxy.failLater();
        // both errors happen after the oneway calls resolved (when they were sent)
        await proxy.ping();
        await sleep(50);
      });
      expect(stderr).to.match(/^pyrots: error in oneway method failNow: RangeError: oneway failed at once$/m);
      expect(stderr).to.match(/^pyrots: error in oneway method failLater: RangeError: oneway failed after an await$/m);
      expect(stderr).to.not.match(/fine/);
    });

    it("gives the errors of oneway methods to onOnewayError instead, when set", async () => {
      const failures: string[] = [];
      await using daemon = await startDaemon(variant, { onOnewayError: (method, error) => failures.push(`${method}: ${(error as Error).message}`) });
      const uri = daemon.register(Semantics, "semantics").toString();
      await using proxy = new Proxy<SemanticsApi>(uri, proxyOptions);
      const { stderr } = await capturingStderr(async () => {
        await proxy.failNow();
        await proxy.failLater();
        await proxy.ping();
        await sleep(50);
      });
      expect(failures).to.have.members(["failNow: oneway failed at once", "failLater: oneway failed after an await"]);
      expect(stderr).to.not.match(/oneway failed/);
    });

    it("makes a correlation id for a call that came without one, and sends it back", async () => {
      await using daemon = await startDaemon(variant);
      const uri = daemon.register(Semantics, "semantics").toString();
      await using proxy = new Proxy<SemanticsApi>(uri, proxyOptions);
      const replies: ReadonlyMap<string, Uint8Array>[] = [];
      const first = await withOptions(proxy, { onAnnotations: (a) => replies.push(a) }).correlation();
      const second = await proxy.correlation();
      expect(first).to.match(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/); // a random (version 4) UUID
      expect(second).to.not.equal(first); // one per call, as Pyro4
      expect(Buffer.from(replies[0]!.get("CORR")!).toString("hex")).to.equal(first);
    });

    it("adds the responseAnnotations of the daemon to handshake replies, results and errors", async () => {
      await using daemon = await startDaemon(variant, { responseAnnotations: () => ({ DDAA: "daemon-wide", BYTE: Buffer.from([1, 2]) }) });
      const uri = daemon.register(Semantics, "semantics").toString();
      let handshake: ReadonlyMap<string, Uint8Array> | undefined;
      await using proxy = new Proxy<SemanticsApi>(uri, { ...proxyOptions, validateHandshake: (_, info) => void (handshake = info.annotations) });
      const replies: ReadonlyMap<string, Uint8Array>[] = [];
      const watched = withOptions(proxy, { onAnnotations: (a) => replies.push(a) });
      await watched.ping();
      await watched.crash().catch(() => undefined);
      for (const annotations of [handshake!, ...replies]) {
        expect(Buffer.from(annotations.get("DDAA")!).toString()).to.equal("daemon-wide");
        expect([...annotations.get("BYTE")!]).to.deep.equal([1, 2]);
      }
      expect(replies).to.have.length(2);
      // the handshake reply carries a correlation id even when the proxy sent none (as Pyro4's)
      expect(handshake!.get("CORR")).to.have.length(16);
    });

    it("tells onClientDisconnect about a client that left, with its tracked resources still open", async () => {
      const seen: { client: DisconnectedClient; closedBefore: string[] }[] = [];
      await using daemon = await startDaemon(variant, {
        onClientDisconnect: (client) => void seen.push({ client, closedBefore: [...closedResources] }),
        validateHandshake: (_, data) => {
          if (data !== "hello") throw new Error("go away");
          return "hello";
        },
      });
      const uri = daemon.register(Semantics, "semantics").toString();
      const proxy = new Proxy<SemanticsApi>(uri, proxyOptions);
      await proxy.track(`resource of ${variant.name}`);
      await proxy[Symbol.asyncDispose]();
      await waitUntil(() => seen.length === 1, 5000, "the disconnect hook");
      expect(seen[0]!.closedBefore).to.not.include(`resource of ${variant.name}`);
      expect(seen[0]!.client.trackedResources).to.have.length(1);
      if (variant.transport === "tcp") expect(seen[0]!.client.address).to.match(/^127\.0\.0\.1:\d+$/);
      await waitUntil(() => closedResources.includes(`resource of ${variant.name}`), 5000, "the resource to close");
      // a client refused at its handshake never connected: no disconnect to report
      await using refused = new Proxy<SemanticsApi>(uri, { ...proxyOptions, handshake: "wrong" });
      await refused.ping().catch(() => undefined);
      await sleep(50);
      expect(seen).to.have.length(1);
    });

    it("sends tracebacks with the application's frames, paths relative to the working folder", async () => {
      await using daemon = await startDaemon(variant);
      const uri = daemon.register(Semantics, "semantics").toString();
      await using proxy = new Proxy<SemanticsApi>(uri, proxyOptions);
      const error = (await proxy.crash().catch((e: unknown) => e)) as Error & { remoteTraceback: string[] };
      const frames = error.remoteTraceback.filter((line) => line.startsWith("  File "));
      expect(frames.at(-1)).to.match(/^ {2}File "test\/dist\/integration\/pyro4-daemon-semantics\.test\.js", line \d+, in throwingHelper\n$/);
      expect(frames.join("")).to.not.match(/packages\/core\/dist|node:internal|"\//);
      expect(error.remoteTraceback.at(-1)).to.equal("TypeError: the application's own bug\n");
    });
  });
}

describe("Pyro4 daemon semantics: serving from the request loop", () => {
  it("serveFrom: 'requestLoop' leaves connections unanswered until requestLoop() (a frozen daemon times out)", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1", serveFrom: "requestLoop" });
    const uri = daemon.register(Semantics, "semantics").toString();
    await using impatient = new Proxy<SemanticsApi>(uri, { timeout: 0.3 });
    const refused = await impatient.ping().catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(TimeoutError);
    expect((refused as Error).message).to.match(/handshake with .* timed out after 0\.3 s: the daemon accepted the connection but did not answer/);

    await using patient = new Proxy<SemanticsApi>(uri);
    let answered = false;
    const call = patient.ping().then((value) => ((answered = true), value));
    await sleep(200);
    expect(answered, "answered before requestLoop()").to.equal(false);
    void daemon.requestLoop();
    expect(await call).to.equal("pong");
  });

  it("serves from Daemon.create() by default", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1" });
    await using proxy = new Proxy<SemanticsApi>(daemon.register(Semantics, "semantics"), { timeout: 2 });
    expect(await proxy.ping()).to.equal("pong");
  });

  it("drops connections that waited for a request loop that never came when it shuts down", async () => {
    const daemon = await Daemon.create({ host: "127.0.0.1", serveFrom: "requestLoop" });
    await using proxy = new Proxy<SemanticsApi>(daemon.register(Semantics, "semantics"));
    const call = proxy.ping().catch((e: unknown) => e);
    await sleep(100);
    await daemon.shutdown();
    expect(await call).to.be.instanceOf(Error);
  });
});
