/**
 * Decode limits seen from the wire: a live daemon (a child process, so that its memory can be
 * read) gets small messages that would cost it dearly to decode — a compressed CONNECT that
 * inflates to a flood of empty maps, the same flood uncompressed and after the handshake, and
 * msgpack ext types no Pyro peer sends. Each must be refused with a clear error, cheaply, and
 * the daemon must keep serving.
 */
import { expect } from "chai";
import { deflateSync } from "node:zlib";
import { Proxy } from "@pyrots/core";
import { msgpackSerializer as msgpack } from "@pyrots/core/internal";
import { type TargetDaemon, startTargetDaemon } from "../support/children.js";
import { FLAG, MSG, RawConnection, SERIALIZER, frame } from "../support/wire.js";

const COMPRESSED = 0x02;
const MiB = 2 ** 20;

function str(text: string): Buffer {
  const bytes = Buffer.from(text, "utf8");
  return Buffer.concat([Buffer.from([0xa0 | bytes.length]), bytes]);
}

/** An msgpack array32 of `count` empty maps: 1 byte each on the wire, some 64 bytes each as JS objects. */
function emptyMaps(count: number): Buffer {
  const head = Buffer.from([0xdd, 0, 0, 0, 0]);
  head.writeUInt32BE(count, 1);
  return Buffer.concat([head, Buffer.alloc(count, 0x80)]);
}

/** A CONNECT payload whose handshake data is `handshake` (raw msgpack). */
function connectPayload(handshake: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x82]), str("handshake"), handshake, str("object"), str("target")]);
}

/** An INVOKE payload `["target", "echo", [arg], {}]` with `arg` as raw msgpack. */
function echoPayload(arg: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x94]), str("target"), str("echo"), Buffer.from([0x91]), arg, Buffer.from([0x80])]);
}

describe("decode limits on the wire (a live daemon in a child process)", function () {
  this.timeout(60_000);
  let daemon: TargetDaemon;

  before(async () => {
    daemon = await startTargetDaemon();
  });

  after(async () => {
    await daemon?.stop();
  });

  async function open(): Promise<RawConnection> {
    return RawConnection.open("127.0.0.1", daemon.port);
  }

  async function handshake(): Promise<RawConnection> {
    const connection = await open();
    connection.send(frame({ type: MSG.CONNECT, serializerId: SERIALIZER.MSGPACK, payload: msgpack.encode({ handshake: "hello", object: "target" }) }));
    expect((await connection.read()).type).to.equal(MSG.CONNECTOK);
    return connection;
  }

  async function stillServes(): Promise<void> {
    await using proxy = new Proxy<{ echo(value: unknown): Promise<unknown> }>(daemon.uri);
    expect(await proxy.echo({ ok: [1, 2] })).to.deep.equal({ ok: [1, 2] });
  }

  it("answers an 8 KiB compressed CONNECT that inflates to 8 million empty maps with CONNECTFAIL, at no memory cost", async () => {
    const payload = deflateSync(connectPayload(emptyMaps(8 * MiB)), { level: 9 });
    expect(payload.length).to.be.below(16 * 1024);
    const rssBefore = daemon.rss();
    const connection = await open();
    connection.send(frame({ type: MSG.CONNECT, serializerId: SERIALIZER.MSGPACK, flags: FLAG.META_ON_CONNECT | COMPRESSED, payload }));
    const reply = await connection.read();
    expect(reply.type).to.equal(MSG.CONNECTFAIL);
    expect(msgpack.decode(reply.payload)).to.match(/inflates to more than 65536 bytes/);
    expect(await connection.closesWithin()).to.equal(true);
    const growth = daemon.rss() - rssBefore;
    process.stdout.write(`      ${payload.length}-byte CONNECT: daemon RSS grew ${(growth / MiB).toFixed(1)} MiB\n`);
    expect(growth, "RSS growth").to.be.below(32 * MiB);
    await stillServes();
  });

  it("answers an uncompressed CONNECT of 60,000 empty maps with CONNECTFAIL (over the handshake's decode budget)", async () => {
    const connection = await open();
    connection.send(frame({ type: MSG.CONNECT, serializerId: SERIALIZER.MSGPACK, payload: connectPayload(emptyMaps(60_000)) }));
    const reply = await connection.read();
    expect(reply.type).to.equal(MSG.CONNECTFAIL);
    expect(msgpack.decode(reply.payload)).to.match(/would decode to values of more than/);
    await stillServes();
  });

  it("refuses a compressed call that inflates to a flood of empty maps with a SerializeError reply", async () => {
    const connection = await handshake();
    const payload = deflateSync(echoPayload(emptyMaps(4 * MiB)), { level: 9 });
    connection.send(frame({ type: MSG.INVOKE, serializerId: SERIALIZER.MSGPACK, flags: COMPRESSED, seq: 1, payload }));
    const reply = await connection.read(30_000);
    expect(reply.type).to.equal(MSG.RESULT);
    expect(reply.flags & FLAG.EXCEPTION).to.equal(FLAG.EXCEPTION);
    const error = msgpack.decode(reply.payload) as Error;
    expect(error.name).to.equal("SerializeError");
    expect(error.message).to.match(/would decode to values of more than/);
    connection.destroy();
    await stillServes();
  });

  it("refuses a 64 KiB compressed call that inflates to 64 MiB of empty maps within maxCost of memory", async () => {
    const connection = await handshake();
    const payload = deflateSync(echoPayload(emptyMaps(64 * MiB)), { level: 9 });
    expect(payload.length).to.be.below(128 * 1024);
    const rssBefore = daemon.rss();
    connection.send(frame({ type: MSG.INVOKE, serializerId: SERIALIZER.MSGPACK, flags: COMPRESSED, seq: 1, payload }));
    const reply = await connection.read(30_000);
    const growth = daemon.rss() - rssBefore;
    process.stdout.write(`      ${payload.length}-byte call inflating to 64 MiB: daemon RSS grew ${(growth / MiB).toFixed(1)} MiB\n`);
    expect(reply.flags & FLAG.EXCEPTION).to.equal(FLAG.EXCEPTION);
    expect((msgpack.decode(reply.payload) as Error).message).to.match(/would decode to values of more than 268435456 bytes/);
    // The inflated payload (64 MiB) plus at most maxCost (256 MiB) of values, never 40 × 64 MiB.
    expect(growth, "RSS growth").to.be.below(512 * MiB);
    connection.destroy();
    await stillServes();
  });

  it("refuses msgpack ext types no Pyro peer sends (a RegExp as msgpackr encodes it) before any method runs", async () => {
    const connection = await handshake();
    // msgpackr's RegExp: fixext1 type 0x78, then [source, flags].
    const regexp = Buffer.concat([Buffer.from([0xd4, 0x78, 0x00, 0x92]), str("(a+)+$"), str("")]);
    connection.send(frame({ type: MSG.INVOKE, serializerId: SERIALIZER.MSGPACK, seq: 1, payload: echoPayload(regexp) }));
    const reply = await connection.read();
    expect(reply.flags & FLAG.EXCEPTION).to.equal(FLAG.EXCEPTION);
    const error = msgpack.decode(reply.payload) as Error;
    expect(error.name).to.equal("SerializeError");
    expect(error.message).to.include("ext type 120 (0x78)");
    connection.destroy();
    await stillServes();
  });
});
