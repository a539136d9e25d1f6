/**
 * Floods against a live daemon in a child process, each with limits small enough to reach: peers
 * that trickle messages they never finish (announcing huge lengths), a compressed batch of a
 * million calls, remote iterators opened and abandoned across connections, and TCP clients of a
 * TLS daemon that never start TLS. Throughout, the daemon must keep its limits, its memory bound,
 * and serve a well-formed client.
 */
import { expect } from "chai";
import net from "node:net";
import { deflateSync } from "node:zlib";
import { Proxy } from "@pyrots/core";
import { type TargetDaemon, startTargetDaemon } from "../support/children.js";
import { makeCertificates } from "../support/certs.js";
import { FLAG, MSG, RawConnection, SERIALIZER, frame, json } from "../support/wire.js";
import { mb } from "./harness.js";
import { MpMap, mp } from "./hostile.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Diagnostics {
  rss: number;
  external: number;
  connections: number;
  streams: number;
  counts: { callsStarted: number };
}
interface TargetApi {
  echo(value: unknown): Promise<unknown>;
  diagnostics(collect?: boolean): Promise<Diagnostics>;
}

const connectJson = () => frame({ type: MSG.CONNECT, serializerId: SERIALIZER.JSON, payload: json({ handshake: "hello", object: "target" }) });

/** Opens `count` raw connections that completed their handshake. */
async function handshaken(port: number, count: number): Promise<RawConnection[]> {
  const all: RawConnection[] = [];
  for (let i = 0; i < count; i += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, count - i) }, async () => {
        const raw = await RawConnection.open("127.0.0.1", port);
        raw.send(connectJson());
        expect((await raw.read()).type).to.equal(MSG.CONNECTOK);
        return raw;
      }),
    );
    all.push(...batch);
  }
  return all;
}

/** A header announcing `length` bytes of json payload (valid checksum), without the payload. */
function announcing(length: number): Buffer {
  const head = frame({ type: MSG.INVOKE, serializerId: SERIALIZER.JSON, seq: 1, payload: Buffer.alloc(0) });
  head.writeInt32BE(length, 12);
  head.writeUInt16BE((head.readUInt16BE(22) + length) & 0xffff, 22);
  return head;
}

async function withDaemon(options: Record<string, unknown>, body: (daemon: TargetDaemon, client: TargetApi) => Promise<void>, tlsCa?: Buffer) {
  const daemon = await startTargetDaemon(options);
  try {
    await using client = new Proxy<TargetApi>(daemon.uri, tlsCa ? { tls: { ca: tlsCa } } : {});
    expect(await client.echo("ready")).to.equal("ready");
    await body(daemon, client);
    expect(daemon.proc.stderr(), "the daemon's stderr").not.to.match(/uncaught|unhandled|fatal/i);
  } finally {
    await daemon.stop();
  }
}

describe("floods against a live daemon (child process)", () => {
  it("trickling peers announcing 256 MiB each are cut at MESSAGE_TIMEOUT, holding only what they sent", async function () {
    this.timeout(60_000);
    await withDaemon({ messageTimeout: 1, maxConnections: 200 }, async (daemon, client) => {
      const before = await client.diagnostics(true);
      const peers = await handshaken(daemon.port, 120);
      try {
        for (const raw of peers) raw.send(Buffer.concat([announcing(256 * 2 ** 20), Buffer.from('{"object":')]));
        const started = Date.now();
        // A byte every 100 ms keeps every socket busy; none of them ever finishes its message.
        const trickle = setInterval(() => {
          for (const raw of peers) if (!raw.socket.destroyed) raw.send(Buffer.from(" "));
        }, 100);
        try {
          await sleep(500);
          const during = await client.diagnostics(false);
          const grown = during.external - before.external;
          process.stdout.write(`      120 peers announcing 30 GiB in all: daemon external memory +${mb(grown)}, RSS ${mb(daemon.rss())}\n`);
          expect(grown, "memory held for announced lengths").to.be.below(64 * 2 ** 20);
          expect(await client.echo("during")).to.equal("during");
          const closed = await Promise.all(peers.map((raw) => raw.closesWithin(10_000)));
          expect(closed.every(Boolean), "every trickling peer was cut").to.equal(true);
          expect(Date.now() - started).to.be.below(5000);
        } finally {
          clearInterval(trickle);
        }
      } finally {
        for (const raw of peers) raw.destroy();
      }
    });
  });

  it("a compressed batch of a million calls is refused, naming MAX_BATCH_CALLS, and none of it runs", async function () {
    this.timeout(60_000);
    await withDaemon({}, async (daemon, client) => {
      const before = await client.diagnostics(true);
      const one = mp(["work", [0], new MpMap([])]);
      const calls = Buffer.concat([Buffer.from([0xdd, 0x00, 0x0f, 0x42, 0x40]), Buffer.alloc(one.length * 1_000_000, one)]);
      const payload = deflateSync(Buffer.concat([Buffer.from([0x94]), mp("target"), mp("<batch>"), calls, Buffer.from([0xc0])]), { level: 9 });
      const raw = await RawConnection.open("127.0.0.1", daemon.port);
      try {
        raw.send(
          frame({
            type: MSG.CONNECT,
            serializerId: SERIALIZER.MSGPACK,
            payload: mp(
              new MpMap([
                ["handshake", "hello"],
                ["object", "target"],
              ]),
            ),
          }),
        );
        expect((await raw.read()).type).to.equal(MSG.CONNECTOK);
        raw.send(frame({ type: MSG.INVOKE, serializerId: SERIALIZER.MSGPACK, seq: 1, flags: 0x08 | 0x02, payload }));
        const reply = await raw.read(30_000);
        expect(reply.flags & FLAG.EXCEPTION).to.equal(FLAG.EXCEPTION);
        expect(reply.payload.toString("latin1")).to.match(/batch of 1000000 calls refused.*MAX_BATCH_CALLS/);
        const after = await client.diagnostics(true);
        process.stdout.write(`      ${payload.length} compressed bytes for 1,000,000 calls: daemon RSS ${mb(before.rss)} → ${mb(daemon.rss())}\n`);
        expect(after.counts.callsStarted - before.counts.callsStarted, "calls of the batch that ran").to.equal(0);
        expect(daemon.rss()).to.be.below(before.rss + 384 * 2 ** 20);
      } finally {
        raw.destroy();
      }
    });
  });

  it("remote iterators stay within MAX_ITER_STREAMS per connection, and in all when abandoned connections leave them lingering", async function () {
    this.timeout(60_000);
    const perConnection = 20;
    const maxConnections = 10;
    await withDaemon({ maxIterStreams: perConnection, maxConnections, iterStreamLinger: 60 }, async (daemon, client) => {
      let refused = 0;
      for (let round = 0; round < 3; round++) {
        // The checking client holds one slot; the flood takes the others.
        const peers = await handshaken(daemon.port, maxConnections - 1);
        const calls = Array.from({ length: 50 }, (_, i) =>
          frame({
            type: MSG.INVOKE,
            serializerId: SERIALIZER.JSON,
            seq: i + 1,
            payload: json({ object: "target", method: "count", params: [1e9], kwargs: {} }),
          }),
        );
        for (const raw of peers) raw.send(Buffer.concat(calls));
        for (const raw of peers) {
          for (let i = 0; i < 50; i++) {
            const reply = await raw.read(10_000);
            if (!(reply.flags & 0x20)) {
              expect(reply.payload.toString()).to.match(/MAX_ITER_STREAMS is 20/);
              refused++;
            }
          }
        }
        const during = await client.diagnostics(false);
        expect(during.streams).to.be.at.most(perConnection * maxConnections);
        for (const raw of peers) raw.destroy();
        await sleep(100);
      }
      const after = await client.diagnostics(false);
      process.stdout.write(
        `      3 rounds × ${maxConnections - 1} connections × 50 iterators: ${refused} refused, ${after.streams} open or lingering (bound ${perConnection * maxConnections})\n`,
      );
      expect(refused).to.equal(3 * (maxConnections - 1) * (50 - perConnection));
      expect(after.streams).to.be.at.most(perConnection * maxConnections);
      expect(await client.echo("still")).to.equal("still");
    });
  });

  it("TCP clients of a TLS daemon that never start TLS hold slots only until HANDSHAKE_TIMEOUT, and never lock a TLS client out", async function () {
    this.timeout(60_000);
    const certs = makeCertificates();
    try {
      const options = { ssl: true, sslServerCert: certs.serverCert, sslServerKey: certs.serverKey, maxConnections: 16, handshakeTimeout: 1 };
      await withDaemon(
        options,
        async (daemon, client) => {
          const sockets: net.Socket[] = [];
          let closed = 0;
          const garbage = [Buffer.alloc(0), Buffer.from("PYRO"), Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]), Buffer.alloc(3000, 0x16)];
          for (let i = 0; i < 150; i++) {
            const socket = net.connect(daemon.port, "127.0.0.1");
            socket.on("error", () => undefined);
            socket.on("close", () => closed++);
            socket.on("connect", () => socket.write(garbage[i % garbage.length]!));
            sockets.push(socket);
          }
          await sleep(300);
          const during = await client.diagnostics(false);
          expect(during.connections, "slots held, counted from the TCP accept").to.be.at.most(16);
          expect(await client.echo("served"), "the TLS client kept its connection or got a new one").to.equal("served");
          await using fresh = new Proxy<TargetApi>(daemon.uri, { tls: { ca: certs.read(certs.caCert) } });
          expect(await fresh.echo("fresh")).to.equal("fresh");
          const deadline = Date.now() + 5000;
          while (closed < sockets.length && Date.now() < deadline) await sleep(50);
          const open = sockets.length - closed;
          for (const socket of sockets) socket.destroy();
          expect(open, "TCP clients still open 5 s later").to.equal(0);
        },
        certs.read(certs.caCert),
      );
    } finally {
      certs.remove();
    }
  });
});
