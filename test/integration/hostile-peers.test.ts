/**
 * Values from a peer are data: a proxy that arrives in a payload never calls anywhere by itself,
 * a daemon survives hostile handshakes, a client survives a hostile server, and calls queued on a
 * connection to a server with no window never spin.
 */
import { expect } from "chai";
import net from "node:net";
import { inspect } from "node:util";
import { Daemon, Proxy, type Remote, RemoteError, URI, expose, isProxy, uriOf } from "@pyrots/core";
import { ProxyRef, coreOf, msgpackSerializer } from "@pyrots/core/internal";
import { type Bait, startBait } from "../support/bait.js";
import { type TargetDaemon, startTargetDaemon } from "../support/children.js";
import { FLAG, MSG, type RawMessage, RawConnection, SERIALIZER, frame, json } from "../support/wire.js";
import { failure } from "@pyrots/test-support";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const msgpack = (value: unknown) => msgpackSerializer.encode(value);

describe("hostile peers: values from the wire are data", () => {
  let bait: Bait;

  beforeEach(async () => {
    bait = await startBait();
  });
  afterEach(() => bait[Symbol.asyncDispose]());

  describe("a proxy's runtime names are local", () => {
    /* eslint-disable @typescript-eslint/restrict-plus-operands, no-prototype-builtins -- the point of this test */
    it("converting, printing and inspecting a proxy never connects", async () => {
      const proxy = new Proxy(`PYRO:bait@127.0.0.1:${bait.port}`);
      const uri = `PYRO:bait@127.0.0.1:${bait.port}`;
      expect(`${proxy}`).to.equal(`Pyro.Proxy(${uri})`);
      expect(String(proxy)).to.equal(`Pyro.Proxy(${uri})`);
      expect(proxy + "").to.equal(`Pyro.Proxy(${uri})`);
      expect((proxy as unknown as { toString(): string }).toString()).to.include(uri);
      expect((proxy as unknown as { valueOf(): unknown }).valueOf()).to.equal(proxy);
      expect(JSON.parse(JSON.stringify(proxy)).__class__).to.equal("Pyro4.core.Proxy");
      expect(inspect(proxy)).to.include(uri);
      expect(Object.prototype.toString.call(proxy)).to.equal("[object Pyro.Proxy]");
      expect((proxy as unknown as { hasOwnProperty(k: string): boolean }).hasOwnProperty("x")).to.equal(false);
      expect((proxy as unknown as { constructor: { name: string } }).constructor.name).to.equal("Proxy");
      expect(proxy instanceof Proxy).to.equal(true);
      expect(await Promise.resolve(proxy)).to.equal(proxy);
      await sleep(100);
      expect(bait.connections).to.equal(0);
    });
    /* eslint-enable @typescript-eslint/restrict-plus-operands, no-prototype-builtins */

    it("works without new, as Pyro users write it", () => {
      const proxy = Proxy(`PYRO:bait@127.0.0.1:${bait.port}`);
      expect(isProxy(proxy)).to.equal(true);
    });
  });

  describe("a daemon meeting hostile handshakes (child process)", () => {
    let target: TargetDaemon;

    before(async () => {
      target = await startTargetDaemon();
    });
    after(() => target.stop());

    const cases: [string, (bait: Bait) => unknown][] = [
      ["a class dict whose __class__ is a proxy", (b) => ({ handshake: { __class__: b.proxyDict() } })],
      ["an exception whose args hold a proxy", (b) => ({ handshake: { __class__: "evil.Error", __exception__: true, args: [b.proxyDict()], attributes: {} } })],
      [
        "a Pyro error whose args hold a proxy",
        (b) => ({ handshake: { __class__: "Pyro4.errors.NamingError", __exception__: true, args: [b.proxyDict()], attributes: {} } }),
      ],
      ["a proxy as the handshake data", (b) => ({ handshake: b.proxyDict() })],
    ];
    for (const [name, payload] of cases) {
      for (const [serializerName, serializerId, encode] of [
        ["msgpack", SERIALIZER.MSGPACK, msgpack],
        ["json", SERIALIZER.JSON, json],
      ] as const) {
        it(`survives ${name} (${serializerName}), connects nowhere, and serves others`, async () => {
          const raw = await RawConnection.open("127.0.0.1", target.port);
          raw.send(frame({ type: MSG.CONNECT, serializerId, payload: encode(payload(bait)) }));
          const reply = await raw.read();
          expect([MSG.CONNECTOK, MSG.CONNECTFAIL]).to.include(reply.type);
          raw.destroy();
          await sleep(100);
          expect(bait.connections).to.equal(0);
          await using p = new Proxy<{ add(a: number, b: number): number }>(target.uri);
          expect(await p.add(2, 3)).to.equal(5);
        });
      }
    }
  });

  describe("a client meeting a hostile server", () => {
    let server: net.Server;
    let port: number;
    let reply: (call: RawMessage) => Buffer;

    before(async () => {
      // eslint-disable-next-line @typescript-eslint/no-misused-promises -- a rejection stays unhandled on purpose: test/strict-process.mjs fails the run
      server = net.createServer(async (socket) => {
        const connection = RawConnection.wrap(socket);
        try {
          const connect = await connection.read();
          connection.send(frame({ type: MSG.CONNECTOK, serializerId: SERIALIZER.MSGPACK, seq: connect.seq, payload: msgpack("hello") }));
          for (;;) connection.send(reply(await connection.read(60_000)));
        } catch {
          socket.destroy();
        }
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      port = (server.address() as net.AddressInfo).port;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("an exception whose args hold a proxy arrives as a RemoteError, and nothing connects", async () => {
      reply = (call) =>
        frame({
          type: MSG.RESULT,
          flags: FLAG.EXCEPTION,
          serializerId: SERIALIZER.MSGPACK,
          seq: call.seq,
          payload: msgpack({
            __class__: "evil.Error",
            __exception__: true,
            args: [bait.proxyDict(), "text"],
            attributes: { _pyroTraceback: [bait.proxyDict()] },
          }),
        });
      await using p = new Proxy<{ call(): void }>(`PYRO:x@127.0.0.1:${port}`, { metadata: false });
      const error = (await failure(p.call())) as RemoteError;
      expect(error).to.be.instanceOf(RemoteError);
      expect(error.remoteType).to.equal("evil.Error");
      expect(`${error.message} ${String(error.args[0])}`).to.include("Pyro.Proxy(PYRO:bait@");
      await sleep(100);
      expect(bait.connections).to.equal(0);
    });

    it("a result holding proxies gives inert proxies with this proxy's settings", async () => {
      reply = (call) => frame({ type: MSG.RESULT, serializerId: SERIALIZER.MSGPACK, seq: call.seq, payload: msgpack({ nested: [bait.proxyDict()] }) });
      await using p = new Proxy<{ call(): { nested: object[] } }>(`PYRO:x@127.0.0.1:${port}`, { metadata: false, timeout: 7 });
      const value = await p.call();
      const arrived = value.nested[0]!;
      expect(isProxy(arrived)).to.equal(true);
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a proxy's own string form
      expect(`${arrived}`).to.include(`127.0.0.1:${bait.port}`);
      expect(coreOf(arrived).settings.timeout).to.equal(7);
      await sleep(100);
      expect(bait.connections).to.equal(0);
    });

    it("a garbage CONNECTFAIL reason is not converted to text", async () => {
      // eslint-disable-next-line @typescript-eslint/no-misused-promises -- a rejection stays unhandled on purpose: test/strict-process.mjs fails the run
      const refusing = net.createServer(async (socket) => {
        const connection = RawConnection.wrap(socket);
        const connect = await connection.read().catch(() => undefined);
        if (connect) connection.send(frame({ type: MSG.CONNECTFAIL, serializerId: SERIALIZER.MSGPACK, seq: connect.seq, payload: msgpack(bait.proxyDict()) }));
      });
      await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
      try {
        await using p = new Proxy<{ call(): void }>(`PYRO:x@127.0.0.1:${(refusing.address() as net.AddressInfo).port}`);
        const error = await failure(p.call());
        expect(error.message).to.include("a reason that is not text");
        await sleep(100);
        expect(bait.connections).to.equal(0);
      } finally {
        await new Promise<void>((resolve) => refusing.close(() => resolve()));
      }
    });
  });
});

describe("hostile peers: callbacks connect only where the daemon allows", () => {
  @expose
  class Caller {
    async callBack(cb: { ping(): Promise<string> }): Promise<string> {
      try {
        return await cb.ping();
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    }
  }

  @expose
  class Pinger {
    ping(): string {
      return "pong";
    }
  }

  it("a callback to the client's host works; one outside callbackHosts is refused before connecting", async () => {
    await using clientDaemon = await Daemon.create({ host: "127.0.0.1" });
    const pinger = clientDaemon.proxyFor(clientDaemon.register(Pinger, "pinger").object);
    await using open = await Daemon.create({ host: "127.0.0.1" });
    await using strict = await Daemon.create({ host: "127.0.0.1", callbackHosts: ["127.0.0.2"] });
    await using toOpen = new Proxy<Caller>(open.register(Caller, "caller"));
    await using toStrict = new Proxy<Caller>(strict.register(Caller, "caller"));
    expect(await toOpen.callBack(pinger as never)).to.equal("pong");
    const refused = await toStrict.callBack(pinger as never);
    expect(refused).to.match(/^SecurityError: refused to connect the proxy PYRO:pinger@127\.0\.0\.1:\d+ .*callbackHosts/);
  });
});

describe("hostile peers: a server announcing an unlimited window", () => {
  it("65,536 and more calls in flight queue instead of spinning, and fail cleanly when it hangs up", async function () {
    this.timeout(60_000);
    let frames = 0;
    const sockets = new Set<net.Socket>();
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- a rejection stays unhandled on purpose: test/strict-process.mjs fails the run
    const server = net.createServer(async (socket) => {
      sockets.add(socket);
      const connection = RawConnection.wrap(socket);
      const connect = await connection.read();
      connection.send(
        frame({ type: MSG.CONNECTOK, serializerId: SERIALIZER.MSGPACK, seq: connect.seq, payload: msgpack("hello"), annotations: { MPLX: Buffer.from("0") } }),
      );
      // Count, never answer.
      socket.removeAllListeners("data");
      let pending = Buffer.alloc(0);
      socket.on("data", (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 24) {
          const size = 24 + pending.readUInt16BE(18) + pending.readInt32BE(12);
          if (pending.length < size) break;
          frames++;
          pending = pending.subarray(size);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const p = new Proxy<{ call(i: number): void }>(`PYRO:x@127.0.0.1:${(server.address() as net.AddressInfo).port}`, { metadata: false });
      const calls = Array.from({ length: 66_000 }, (_, i) => p.call(i));
      const settled = Promise.allSettled(calls);
      const deadline = Date.now() + 30_000;
      while (frames < 0xffff && Date.now() < deadline) await sleep(50);
      await sleep(200);
      expect(frames).to.equal(0xffff);
      // Hang up for good: the calls in flight fail, and the queued ones find no daemon to go to.
      server.close();
      for (const socket of sockets) socket.destroy();
      const outcomes = await settled;
      expect(outcomes.every((o) => o.status === "rejected")).to.equal(true);
      expect(uriOf(p).toString()).to.include("PYRO:x@");
    } finally {
      if (server.listening) server.close();
    }
  });
});

describe("hostile peers: proxies arriving in replies inherit the receiver's settings", () => {
  @expose
  class Item {
    label(): string {
      return "item";
    }
  }

  @expose
  class Factory {
    constructor(private readonly item: Item) {}
    make(): Item {
      return this.item;
    }
  }

  it("serializer and timeout carry over to an autoproxied object", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1" });
    const item = new Item();
    daemon.register(item);
    const factory = daemon.register(new Factory(item), "factory");
    await using p = new Proxy<Factory>(factory, { serializer: "json", timeout: 7 });
    const made = (await p.make()) as unknown as object;
    expect(isProxy(made)).to.equal(true);
    const settings = coreOf(made).settings;
    expect(settings.serializer.name).to.equal("json");
    expect(settings.timeout).to.equal(7);
    expect(await (made as unknown as Remote<Item>).label()).to.equal("item");
  });

  it("a reference the application passes to new Proxy keeps its own HMAC key", () => {
    const ref = new ProxyRef({ uri: URI.parse("PYRO:o@127.0.0.1:1"), hmacKey: Buffer.from("k") });
    const proxy = new Proxy(ref);
    expect(coreOf(proxy).settings.hmacKey?.toString()).to.equal("k");
  });
});
