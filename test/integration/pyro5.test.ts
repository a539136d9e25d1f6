/**
 * pyrots speaking Pyro5's protocol 502 to itself, on the same port as Pyro4's 48: a proxy with
 * `PROTOCOL=pyro5` against a pyrots daemon, per serializer. Calls multiplex as with 48, remote
 * iterators, batches, properties and errors work, a registered object returned travels as a
 * `Pyro5.client.Proxy` and its revived proxy speaks 502, callbacks come back over 502, and a daemon
 * with an HMAC key refuses Pyro5 clients with a reason.
 */
import { expect } from "chai";
import {
  CommunicationError,
  Daemon,
  NamingError,
  Proxy,
  type Remote,
  RemoteError,
  batch,
  behavior,
  callback,
  expose,
  isProxy,
  oneway,
  runBatch,
  withOptions,
} from "@pyrots/core";
import { coreOf } from "@pyrots/core/internal";
import { waitFor } from "../support/variants.js";

const heard: string[] = [];

@expose
class Item {
  constructor(readonly name: string) {}
  label(): string {
    return `item ${this.name}`;
  }
}

@expose
class Listener {
  notify(text: string): void {
    heard.push(text);
  }
  @oneway later(text: string): void {
    heard.push(text);
  }
}

@expose
@behavior({ instanceMode: "single" })
class Lab {
  constructor(private readonly daemon: Daemon) {}
  private _level = 1;
  echo(value: unknown): unknown {
    return value;
  }
  async slow(ms: number, tag: string): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return tag;
  }
  *count(n: number): Generator<number> {
    for (let i = 0; i < n; i++) yield i;
  }
  fail(): never {
    throw new NamingError("no such name");
  }
  get level(): number {
    return this._level;
  }
  set level(value: number) {
    this._level = value;
  }
  create(name: string): Item {
    const item = new Item(name);
    this.daemon.register(item);
    return item;
  }
  @callback async callMe(listener: Remote<{ notify(text: string): void; later(text: string): void }>, text: string): Promise<string> {
    await listener.notify(text);
    await listener.later(`${text} (oneway)`);
    return coreOf(listener).protocolName ?? "unknown";
  }
}

interface LabApi {
  echo(value: unknown): unknown;
  slow(ms: number, tag: string): string;
  count(n: number): Iterable<number>;
  fail(): never;
  level: number;
  create(name: string): { label(): string };
  callMe(listener: object, text: string): string;
}

for (const serializer of ["msgpack", "json", "serpent"] as const) {
  describe(`pyrots proxy speaking Pyro5's protocol 502 to a pyrots daemon (${serializer})`, () => {
    let daemon: Daemon;
    let lab: Remote<LabApi> & AsyncDisposable;

    before(async () => {
      daemon = await Daemon.create({ host: "127.0.0.1", env: {} });
      daemon.register(new Lab(daemon), "lab");
      void daemon.requestLoop();
      lab = new Proxy<LabApi>(`PYRO:lab@${daemon.locationStr}`, { serializer, protocol: "pyro5", env: {}, timeout: 10 }) as Remote<LabApi> & AsyncDisposable;
    });
    after(async () => {
      await lab?.[Symbol.asyncDispose]();
      await daemon?.shutdown();
    });

    it("calls with values, and concurrent calls multiplexed on one connection (the MPLX answer works in 502 too)", async () => {
      expect(await lab.echo({ a: [1, 2.5, "x", null, true], big: 2n ** 70n })).to.deep.equal({ a: [1, 2.5, "x", null, true], big: 2n ** 70n });
      const tags = await Promise.all([lab.slow(60, "a"), lab.slow(1, "b"), lab.slow(30, "c")]);
      expect(tags).to.deep.equal(["a", "b", "c"]);
      expect(coreOf(lab).protocolName).to.equal("Pyro5");
      expect(daemon.stats.connections).to.equal(1);
    });

    it("properties, remote iterators and batches", async () => {
      expect(await lab.level).to.equal(1);
      const items: number[] = [];
      for await (const item of lab.count(4)) items.push(item);
      expect(items).to.deep.equal([0, 1, 2, 3]);
      const b = batch(lab as never) as unknown as { echo(value: unknown): void };
      b.echo(1);
      b.echo("two");
      expect(await runBatch(b as never)).to.deep.equal([1, "two"]);
    });

    it("errors keep their classes and tracebacks", async () => {
      const error = await (lab.fail() as Promise<unknown>).then(
        () => expect.fail("should fail"),
        (e: unknown) => e as NamingError,
      );
      expect(error).to.be.instanceOf(NamingError);
      expect(error.message).to.equal("no such name");
      expect(error.remoteTraceback?.at(-1)).to.equal("NamingError: no such name\n");
    });

    it("a correlation id travels in the Pyro5 header and comes back", async () => {
      const replies: ReadonlyMap<string, Uint8Array>[] = [];
      const corr = "0123456789abcdef0123456789abcdef";
      expect(await withOptions(lab, { correlationId: corr, onAnnotations: (a) => replies.push(a) }).echo(1)).to.equal(1);
      expect(Buffer.from(replies[0]!.get("CORR")!).toString("hex")).to.equal(corr);
    });

    it("a registered object returned arrives as a Pyro5 proxy reference, and its revived proxy speaks 502 from the start", async () => {
      const item = (await lab.create("one")) as unknown as Remote<{ label(): string }> & AsyncDisposable;
      expect(isProxy(item)).to.equal(true);
      expect(coreOf(item).sourceRef?.protocol).to.equal(502);
      expect(coreOf(item).protocolName).to.equal("Pyro5");
      expect(await item.label()).to.equal("item one");
      await item[Symbol.asyncDispose]();
    });

    it("a callback passed over 502 is called back over 502", async () => {
      await using clientDaemon = await Daemon.create({ host: "127.0.0.1", env: {} });
      void clientDaemon.requestLoop();
      const listener = new Listener();
      clientDaemon.register(listener);
      const text = `hello over 502 (${serializer})`;
      expect(await lab.callMe(listener, text)).to.equal("Pyro5");
      await waitFor(() => heard.includes(`${text} (oneway)`), 5000, "the oneway callback");
      expect(heard).to.include(text);
    });

    it("a Pyro4 proxy on the same port still speaks 48", async () => {
      await using four = new Proxy<LabApi>(`PYRO:lab@${daemon.locationStr}`, { serializer, protocol: "pyro4", env: {} });
      expect(await four.echo("same port")).to.equal("same port");
      expect(coreOf(four).protocolName).to.equal("Pyro4");
      await using auto = new Proxy<LabApi>(`PYRO:lab@${daemon.locationStr}`, { serializer, env: {} });
      expect(await auto.echo("auto")).to.equal("auto");
      expect(coreOf(auto).protocolName, "auto tries 48 first, which a pyrots daemon speaks").to.equal("Pyro4");
    });
  });
}

describe("a pyrots daemon with an HMAC key and Pyro5 clients", () => {
  it("refuses them in the handshake, saying that Pyro5 has no HMAC; Pyro4 clients with the key still get in", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1", hmacKey: "secret", env: {} });
    daemon.register(new Lab(daemon), "lab");
    void daemon.requestLoop();
    // A pyrots proxy without a key, made to speak 502: the daemon refuses it with its reason.
    await using five = new Proxy<LabApi>(`PYRO:lab@${daemon.locationStr}`, { protocol: "pyro5", env: {}, timeout: 10 });
    const error = await five.echo(1).then(
      () => expect.fail("should be refused"),
      (e: unknown) => e as Error,
    );
    expect(error).to.be.instanceOf(CommunicationError);
    expect(error.message).to.match(/requires messages signed with its HMAC key, which Pyro5 cannot do/);
    await using four = new Proxy<LabApi>(`PYRO:lab@${daemon.locationStr}`, { hmacKey: "secret", env: {}, timeout: 10 });
    expect(await four.echo("signed")).to.equal("signed");
  });

  it("a RemoteError from a Pyro5 peer keeps its Python type", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1", env: {} });
    daemon.register(new Lab(daemon), "lab");
    void daemon.requestLoop();
    await using five = new Proxy<LabApi>(`PYRO:lab@${daemon.locationStr}`, { protocol: "pyro5", serializer: "serpent", env: {} });
    const echoed = (await five.echo(new TypeError("as a value"))) as RemoteError;
    expect(echoed).to.be.instanceOf(RemoteError);
    expect(echoed.remoteType).to.equal("builtins.TypeError");
  });
});
