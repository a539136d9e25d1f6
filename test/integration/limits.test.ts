import { expect } from "chai";
import net from "node:net";
import { CommunicationError, Daemon, Proxy, expose } from "@pyrots/core";
import { FLAG, MSG, RawConnection, SERIALIZER, frame, json } from "../support/wire.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@expose
class Service {
  hello(): string {
    return "hello";
  }

  async slow(ms: number): Promise<string> {
    await sleep(ms);
    return "slow";
  }
}

interface ServiceApi {
  hello(): string;
  slow(ms: number): Promise<string>;
}

async function settle(call: Promise<unknown>): Promise<unknown> {
  try {
    return await call;
  } catch (error) {
    return error;
  }
}

/** Resolves when the peer closes a raw socket (or after `timeoutMs`, with false). */
function closedWithin(socket: net.Socket, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

describe("daemon limits", () => {
  it("refuses connections beyond MAX_CONNECTIONS with a clear reason, and serves the rest", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1", maxConnections: 2 });
    const uri = daemon.register(Service, "svc");
    await using a = new Proxy<ServiceApi>(uri);
    await using b = new Proxy<ServiceApi>(uri);
    expect([await a.hello(), await b.hello()]).to.deep.equal(["hello", "hello"]);
    await using c = new Proxy<ServiceApi>(uri);
    const refused = await settle(c.hello());
    expect(refused).to.be.instanceOf(CommunicationError);
    expect((refused as Error).message).to.match(/too many connections: this daemon serves at most 2/);
    expect(await a.hello()).to.equal("hello");
    await b[Symbol.asyncDispose]();
    const deadline = Date.now() + 5000;
    let result: unknown;
    do {
      result = await settle(c.hello());
      if (result === "hello") break;
      await sleep(20);
    } while (Date.now() < deadline);
    expect(result).to.equal("hello");
  });

  it("closes a connection that does not complete its handshake in time", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1", handshakeTimeout: 0.2 });
    const socket = net.connect(daemon.port!, "127.0.0.1");
    socket.on("error", () => undefined);
    expect(await closedWithin(socket, 5000)).to.equal(true);
  });

  it("closes idle connections after IDLE_TIMEOUT; the proxy reconnects on its next call", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1", idleTimeout: 0.2 });
    const uri = daemon.register(Service, "svc");
    await using svc = new Proxy<ServiceApi>(uri);
    expect(await svc.hello()).to.equal("hello");
    const deadline = Date.now() + 5000;
    while (daemon.stats.connections > 0 && Date.now() < deadline) await sleep(20);
    expect(daemon.stats.connections).to.equal(0);
    expect(await svc.hello()).to.equal("hello");
  });

  it("does not close a connection as idle while its call runs", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1", idleTimeout: 0.1 });
    const uri = daemon.register(Service, "svc");
    await using svc = new Proxy<ServiceApi>(uri);
    expect(await svc.slow(400)).to.equal("slow");
  });

  it("answers requests beyond MAX_INFLIGHT on one connection with an error, and runs the others", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1", maxInflight: 4 });
    daemon.register(Service, "svc");
    // A raw client that ignores the window the daemon announces.
    const raw = await RawConnection.open("127.0.0.1", daemon.port!);
    try {
      raw.send(frame({ type: MSG.CONNECT, serializerId: SERIALIZER.JSON, payload: json({ handshake: "hello", object: "svc" }) }));
      const ok = await raw.read();
      expect(ok.type).to.equal(MSG.CONNECTOK);
      expect(ok.annotations.get("MPLX")?.toString()).to.equal("4");
      // All ten in one write, so they arrive together, before the daemon stops reading at its window.
      const calls = Array.from({ length: 10 }, (_, i) =>
        frame({ type: MSG.INVOKE, serializerId: SERIALIZER.JSON, seq: i + 1, payload: json({ object: "svc", method: "slow", params: [100], kwargs: {} }) }),
      );
      raw.send(Buffer.concat(calls));
      const replies = [];
      for (let i = 0; i < 10; i++) replies.push(await raw.read());
      const refused = replies.filter((r) => r.flags & FLAG.EXCEPTION).map((r) => JSON.parse(r.payload.toString()).args[0]);
      expect(refused).to.have.length(6);
      expect(refused[0]).to.match(/too many requests in flight on this connection \(the limit is 4\)/);
      expect(replies.filter((r) => !(r.flags & FLAG.EXCEPTION))).to.have.length(4);
    } finally {
      raw.destroy();
    }
  });

  it("a pyrots proxy keeps within the window the daemon announces, queueing the rest", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1", maxInflight: 4 });
    const uri = daemon.register(Service, "svc");
    await using svc = new Proxy<ServiceApi>(uri);
    const results = await Promise.all(Array.from({ length: 20 }, () => svc.slow(10)));
    expect(results).to.deep.equal(Array(20).fill("slow"));
  });
});
