import { expect } from "chai";
import { CommunicationError, ConnectionClosedError, Daemon, DaemonError, Proxy, expose, release } from "@pyrots/core";
import { failure } from "@pyrots/test-support";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@expose
class Service {
  async wait(ms: number): Promise<string> {
    await sleep(ms);
    return "done";
  }

  hello(): string {
    return "hello";
  }

  blob(data: Uint8Array): number {
    return data.length;
  }
}

interface ServiceApi {
  wait(ms: number): Promise<string>;
  hello(): string;
  blob(data: Uint8Array): number;
}

describe("daemon lifecycle", () => {
  it("lets calls in flight finish and answer before shutting down", async () => {
    const daemon = await Daemon.create({ host: "127.0.0.1" });
    const uri = daemon.register(Service, "svc");
    await using svc = new Proxy<ServiceApi>(uri);
    await svc.hello();
    const call = svc.wait(200);
    await sleep(20);
    await daemon.shutdown();
    expect(await call).to.equal("done");
  });

  it("refuses a duplicate id unless forced, and forgets unregistered objects", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1" });
    daemon.register(Service, "svc");
    expect(() => daemon.register(Service, "svc")).to.throw(DaemonError);
    expect(() => daemon.register(new Service(), "svc")).to.throw(DaemonError);
    daemon.register(new Service(), "svc", { force: true });
    daemon.unregister("svc");
    expect(daemon.objectIds).to.deep.equal(["Pyro.Daemon"]);
    expect(() => daemon.uriFor("svc")).to.throw(DaemonError);
  });

  it("fails calls with ConnectionClosedError when the daemon goes away, and reconnects on the next call", async () => {
    const first = await Daemon.create({ host: "127.0.0.1" });
    const port = first.port!;
    first.register(Service, "svc");
    await using svc = new Proxy<ServiceApi>(`PYRO:svc@127.0.0.1:${port}`);
    expect(await svc.hello()).to.equal("hello");
    const pending = svc.wait(10_000);
    // Drop the connection under the call, as a crashed daemon would.
    for (const socket of await openSockets(first)) socket.destroy();
    expect(await failure(pending)).to.be.instanceOf(ConnectionClosedError);
    await first.shutdown();

    const second = await Daemon.create({ host: "127.0.0.1", port });
    second.register(Service, "svc");
    try {
      expect(await svc.hello()).to.equal("hello");
    } finally {
      await second.shutdown();
    }
  });

  it("retries a call on a fresh connection with maxRetries", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1" });
    const uri = daemon.register(Service, "svc");
    await using svc = new Proxy<ServiceApi>(uri, { maxRetries: 1 });
    expect(await svc.hello()).to.equal("hello");
    for (const socket of await openSockets(daemon)) socket.destroy();
    expect(await svc.hello()).to.equal("hello");
  });

  it("names the URI when the connection is refused", async () => {
    const daemon = await Daemon.create({ host: "127.0.0.1" });
    const port = daemon.port!;
    await daemon.shutdown();
    const svc = new Proxy<ServiceApi>(`PYRO:svc@127.0.0.1:${port}`);
    const error = await failure(svc.hello());
    expect(error).to.be.instanceOf(CommunicationError);
    expect(error.message).to.include(`PYRO:svc@127.0.0.1:${port}`);
    expect(error.message).to.include("refused");
    release(svc);
  });

  it("refuses a client whose handshake the validator rejects, with the validator's message", async () => {
    await using daemon = await Daemon.create({
      host: "127.0.0.1",
      validateHandshake: (_client, data) => {
        if (data !== "let me in") throw new Error("wrong password");
        return "welcome";
      },
    });
    const uri = daemon.register(Service, "svc");
    await using stranger = new Proxy<ServiceApi>(uri);
    const error = await failure(stranger.hello());
    expect(error).to.be.instanceOf(CommunicationError);
    expect(error.message).to.include("wrong password");
    await using friend = new Proxy<ServiceApi>(uri, { handshake: "let me in" });
    expect(await friend.hello()).to.equal("hello");
  });

  it("closes the connection of a client that sends more than the maximum message size, and keeps serving others", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1", maxMessageSize: 64 * 1024 });
    const uri = daemon.register(Service, "svc");
    await using big = new Proxy<ServiceApi>(uri);
    expect(await big.blob(new Uint8Array(1000))).to.equal(1000);
    expect(await failure(big.blob(new Uint8Array(100_000)))).to.be.instanceOf(ConnectionClosedError);
    await using other = new Proxy<ServiceApi>(uri);
    expect(await other.hello()).to.equal("hello");
  });

  it("compresses large payloads when asked, in both directions", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1", compression: true });
    const uri = daemon.register(Service, "svc");
    await using svc = new Proxy<ServiceApi>(uri, { compression: true });
    expect(await svc.blob(new Uint8Array(50_000))).to.equal(50_000);
  });
});

/** The daemon's client sockets, from its connection intake (daemon/intake.ts). */
async function openSockets(daemon: Daemon): Promise<import("node:net").Socket[]> {
  type Intake = { clients: Set<{ connection: { stream: import("node:net").Socket } }> };
  const internals = (daemon as unknown as { server: { intake: Intake } }).server.intake;
  return [...internals.clients].map((client) => client.connection.stream);
}

describe("large binary payloads", () => {
  for (const [label, options] of [
    ["plain", {}],
    ["signed with HMAC", { hmacKey: "k" }],
    ["compressed", { compression: true }],
  ] as const) {
    it(`round-trips 1 MiB of bytes (${label})`, async () => {
      await using daemon = await Daemon.create({ host: "127.0.0.1", ...options });
      const uri = daemon.register(Echo, "echo");
      await using echo = new Proxy<{ echo(data: Uint8Array): Uint8Array }>(uri, options);
      const data = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < data.length; i += 4096) data[i] = i & 0xff;
      const back = Buffer.from(await echo.echo(data));
      expect(back.equals(data)).to.equal(true);
    });
  }
});

@expose
class Echo {
  echo(data: Uint8Array): Uint8Array {
    return data;
  }
}
