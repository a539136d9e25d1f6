import { expect } from "chai";
import net from "node:net";
import { CommunicationError, Daemon, Proxy, expose } from "@pyrots/core";
import { coreOf } from "@pyrots/core/internal";
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

  *count(n: number): Generator<number> {
    for (let i = 0; i < n; i++) yield i;
  }
}

interface ServiceApi {
  hello(): string;
  slow(ms: number): Promise<string>;
  count(n: number): Iterable<number>;
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

/** A CONNECT for `objectId` as a Pyro4 client sends it (json). */
function connect(objectId: string): Buffer {
  return frame({ type: MSG.CONNECT, serializerId: SERIALIZER.JSON, payload: json({ handshake: "hello", object: objectId }) });
}

/** A raw connection that completed its handshake and then says nothing. */
async function handshaken(port: number): Promise<RawConnection> {
  const raw = await RawConnection.open("127.0.0.1", port);
  raw.send(connect("svc"));
  const ok = await raw.read();
  expect(ok.type).to.equal(MSG.CONNECTOK);
  return raw;
}

/** Waits until `condition` holds (or fails after 5 s). */
async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met within 5 s");
    await sleep(10);
  }
}

/** True while the proxy holds an open connection. */
function connected(proxy: object): boolean {
  return coreOf(proxy).connected;
}

describe("daemon limits", () => {
  it("at MAX_CONNECTIONS, the longest-idle connection makes room; its proxy reconnects on its next call", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1", maxConnections: 2 });
    const uri = daemon.register(Service, "svc");
    await using a = new Proxy<ServiceApi>(uri);
    await using b = new Proxy<ServiceApi>(uri);
    expect([await a.hello(), await b.hello()]).to.deep.equal(["hello", "hello"]);
    await using c = new Proxy<ServiceApi>(uri);
    expect(await c.hello()).to.equal("hello");
    expect(daemon.stats.connections).to.equal(2);
    // a was idle longest and gave way; once it has noticed, its next call simply reconnects.
    await waitFor(() => !connected(a));
    expect(await a.hello()).to.equal("hello");
    expect(daemon.stats.connections).to.equal(2);
  });

  it("silent connections that finished their handshake cannot lock other clients out", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1", maxConnections: 4 });
    const uri = daemon.register(Service, "svc");
    const silent = await Promise.all(Array.from({ length: 4 }, () => handshaken(daemon.port!)));
    try {
      expect(daemon.stats.connections).to.equal(4);
      await using client = new Proxy<ServiceApi>(uri);
      expect(await client.hello()).to.equal("hello");
      expect(await silent[0]!.closesWithin(5000), "the longest-idle silent connection was closed").to.equal(true);
    } finally {
      for (const raw of silent) raw.destroy();
    }
  });

  it("a remote iterator whose connection was evicted goes on over the proxy's new connection", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1", maxConnections: 2 });
    const uri = daemon.register(Service, "svc");
    await using svc = new Proxy<ServiceApi>(uri);
    const iterator = (svc.count(5) as unknown as AsyncIterable<number>)[Symbol.asyncIterator]();
    expect((await iterator.next()).value).to.equal(0);
    const newcomers = [await handshaken(daemon.port!), await handshaken(daemon.port!)];
    try {
      await waitFor(() => !connected(svc));
      const rest: number[] = [];
      for (let step = await iterator.next(); !step.done; step = await iterator.next()) rest.push(step.value);
      expect(rest).to.deep.equal([1, 2, 3, 4]);
    } finally {
      for (const raw of newcomers) raw.destroy();
    }
  });

  it("refuses a newcomer with a clear reason only when every connection has a call running", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1", maxConnections: 2 });
    const uri = daemon.register(Service, "svc");
    await using a = new Proxy<ServiceApi>(uri);
    await using b = new Proxy<ServiceApi>(uri);
    const busy = [a.slow(1500), b.slow(1500)];
    await waitFor(() => daemon.stats.callsInFlight === 2);
    await using c = new Proxy<ServiceApi>(uri);
    const refused = await settle(c.hello());
    expect(refused).to.be.instanceOf(CommunicationError);
    expect((refused as Error).message).to.match(/too many connections: this daemon serves at most 2 \(MAX_CONNECTIONS\), and all of them have calls running/);
    expect(await Promise.all(busy)).to.deep.equal(["slow", "slow"]);
    expect(await c.hello()).to.equal("hello");
  });

  it("MAX_CONNECTIONS_PER_HOST: a newcomer makes room among its own address's idle connections", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1", maxConnectionsPerHost: 2 });
    const uri = daemon.register(Service, "svc");
    const held = [await handshaken(daemon.port!), await handshaken(daemon.port!)];
    try {
      await using client = new Proxy<ServiceApi>(uri);
      expect(await client.hello()).to.equal("hello");
      expect(await held[0]!.closesWithin(5000)).to.equal(true);
      expect(daemon.stats.connections).to.equal(2);
      const busy = client.slow(1500);
      await waitFor(() => daemon.stats.callsInFlight === 1);
      const third = await RawConnection.open("127.0.0.1", daemon.port!);
      try {
        // held[1] was idle: it gives way; now both slots are the busy client and the newcomer.
        third.send(connect("svc"));
        expect((await third.read()).type).to.equal(MSG.CONNECTOK);
        const fourth = await RawConnection.open("127.0.0.1", daemon.port!);
        fourth.send(connect("svc"));
        const answer = await fourth.read();
        expect(answer.type).to.equal(MSG.CONNECTOK, "third was idle, so it made room");
        fourth.destroy();
      } finally {
        third.destroy();
      }
      expect(await busy).to.equal("slow");
    } finally {
      for (const raw of held) raw.destroy();
    }
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
