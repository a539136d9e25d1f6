/**
 * What a client cannot do to a daemon: hold a half-sent message, reserve memory with announced
 * lengths, send a large message before its handshake, run unbounded batches or open unbounded
 * remote iterators, get tracebacks the daemon does not send, or have calls run after the daemon
 * decided to hang up. Each over a real socket, most with a raw client that sends what no proxy
 * would.
 */
import { expect } from "chai";
import { BatchError, Daemon, Proxy, RemoteError, batch, expose, runBatch } from "@pyrots/core";
import { FLAG, MSG, RawConnection, SERIALIZER, frame, json } from "../support/wire.js";
import { failure } from "@pyrots/test-support";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@expose
class Service {
  calls = 0;

  hello(): string {
    this.calls++;
    return "hello";
  }

  fail(text: string): never {
    throw new Error(text);
  }

  *count(n: number): Generator<number> {
    for (let i = 0; i < n; i++) yield i;
  }

  size(data: string): number {
    return data.length;
  }
}

interface ServiceApi {
  hello(): Promise<string>;
  fail(text: string): Promise<never>;
  count(n: number): Iterable<number>;
  size(data: string): Promise<number>;
}

const BATCH_FLAG = 0x08;

function connectFrame(objectId = "svc", handshake: unknown = "hello"): Buffer {
  return frame({ type: MSG.CONNECT, serializerId: SERIALIZER.JSON, payload: json({ handshake, object: objectId }) });
}

function invokeFrame(seq: number, method: string, params: unknown[], flags = 0): Buffer {
  return frame({ type: MSG.INVOKE, serializerId: SERIALIZER.JSON, seq, flags, payload: json({ object: "svc", method, params, kwargs: {} }) });
}

async function handshaken(port: number): Promise<RawConnection> {
  const raw = await RawConnection.open("127.0.0.1", port);
  raw.send(connectFrame());
  expect((await raw.read()).type).to.equal(MSG.CONNECTOK);
  return raw;
}

describe("daemon hardening", () => {
  describe("messages in flight on the wire", () => {
    it("closes a connection whose message does not complete within MESSAGE_TIMEOUT, though bytes keep trickling in", async () => {
      await using daemon = await Daemon.create({ host: "127.0.0.1", messageTimeout: 0.4, idleTimeout: 0.2 });
      const uri = daemon.register(Service, "svc");
      const raw = await handshaken(daemon.port!);
      try {
        const message = invokeFrame(1, "hello", []);
        // One byte every 50 ms: the idle timeout never fires, the message never completes.
        let closed = false;
        void raw.closed.then(() => (closed = true));
        const started = Date.now();
        for (let i = 0; i < message.length - 1 && !closed && Date.now() - started < 5000; i++) {
          raw.send(message.subarray(i, i + 1));
          await sleep(50);
        }
        expect(closed, "the trickling connection was closed").to.equal(true);
        expect(Date.now() - started).to.be.below(2500);
        await using other = new Proxy<ServiceApi>(uri);
        expect(await other.hello()).to.equal("hello");
      } finally {
        raw.destroy();
      }
    });

    it("completes messages that arrive slowly but within MESSAGE_TIMEOUT", async () => {
      await using daemon = await Daemon.create({ host: "127.0.0.1", messageTimeout: 2 });
      daemon.register(Service, "svc");
      const raw = await handshaken(daemon.port!);
      try {
        const message = invokeFrame(1, "size", ["x".repeat(100)]);
        for (let at = 0; at < message.length; at += 40) {
          raw.send(message.subarray(at, at + 40));
          await sleep(20);
        }
        const reply = await raw.read();
        expect(reply.flags & FLAG.EXCEPTION).to.equal(0);
        expect(JSON.parse(reply.payload.toString())).to.equal(100);
      } finally {
        raw.destroy();
      }
    });

    it("reserves no memory for lengths that are announced but never sent", async () => {
      await using daemon = await Daemon.create({ host: "127.0.0.1", maxMessageSize: 1024 * 1024 * 1024 });
      daemon.register(Service, "svc");
      const before = process.memoryUsage().arrayBuffers;
      const raws = await Promise.all(Array.from({ length: 16 }, () => handshaken(daemon.port!)));
      try {
        const announced = 512 * 1024 * 1024;
        const header = frame({ type: MSG.INVOKE, serializerId: SERIALIZER.JSON, seq: 1, payload: Buffer.alloc(0) });
        header.writeInt32BE(announced, 12);
        const sum = (header.readUInt16BE(22) + announced) & 0xffff;
        header.writeUInt16BE(sum, 22);
        for (const raw of raws) raw.send(Buffer.concat([header, Buffer.alloc(100, 0x20)]));
        await sleep(200);
        const grown = process.memoryUsage().arrayBuffers - before;
        // 16 × 512 MiB announced; what is held must follow the 1.6 KB actually sent.
        expect(grown, `array buffers grew by ${grown} bytes`).to.be.below(16 * 1024 * 1024);
        expect(daemon.stats.connections).to.equal(16);
      } finally {
        for (const raw of raws) raw.destroy();
      }
    });

    it("limits messages to 64 KiB before the handshake, and to MAX_MESSAGE_SIZE after it", async () => {
      await using daemon = await Daemon.create({ host: "127.0.0.1" });
      daemon.register(Service, "svc");
      const big = "x".repeat(100 * 1024);
      const early = await RawConnection.open("127.0.0.1", daemon.port!);
      try {
        early.send(connectFrame("svc", big));
        const refusal = await early.read();
        expect(refusal.type).to.equal(MSG.CONNECTFAIL);
        expect(refusal.payload.toString("latin1")).to.match(/max message size exceeded \(\d+ where max=65536\): .* \(the limit before the handshake\)/);
        expect(await early.closesWithin(5000)).to.equal(true);
      } finally {
        early.destroy();
      }
      const raw = await handshaken(daemon.port!);
      try {
        raw.send(invokeFrame(1, "size", [big]));
        expect(JSON.parse((await raw.read()).payload.toString())).to.equal(big.length);
      } finally {
        raw.destroy();
      }
    });

    it("runs nothing it read after deciding to hang up (the rest of a pipelined chunk)", async () => {
      await using daemon = await Daemon.create({ host: "127.0.0.1" });
      const service = new Service();
      daemon.register(service, "svc");
      const raw = await handshaken(daemon.port!);
      try {
        // A payload that is not json (fatal: the daemon answers and hangs up), then a valid call, in one write.
        const bad = frame({ type: MSG.INVOKE, serializerId: SERIALIZER.JSON, seq: 1, payload: Buffer.from("{not json") });
        raw.send(Buffer.concat([bad, invokeFrame(2, "hello", [])]));
        const reply = await raw.read();
        expect(reply.seq).to.equal(1);
        expect(reply.flags & FLAG.EXCEPTION).to.equal(FLAG.EXCEPTION);
        expect(await raw.closesWithin(5000)).to.equal(true);
        expect(service.calls, "the call after the fatal one ran").to.equal(0);
      } finally {
        raw.destroy();
      }
    });
  });

  describe("batches", () => {
    it("refuses a batch over MAX_BATCH_CALLS with an error naming the item, and runs none of it", async () => {
      await using daemon = await Daemon.create({ host: "127.0.0.1", maxBatchCalls: 10 });
      const service = new Service();
      const uri = daemon.register(service, "svc");
      await using svc = new Proxy<ServiceApi>(uri);
      const tooMany = batch(svc);
      for (let i = 0; i < 11; i++) void tooMany.hello();
      const error = await failure(runBatch(tooMany));
      expect(error.message).to.match(/batch of 11 calls refused: this daemon runs at most 10 calls per batch \(MAX_BATCH_CALLS\)/);
      expect(service.calls).to.equal(0);
      const fits = batch(svc);
      for (let i = 0; i < 10; i++) void fits.hello();
      expect(await runBatch(fits)).to.have.length(10);
    });

    it("with sendTracebacks: false, an error inside a batch carries no traceback", async () => {
      await using daemon = await Daemon.create({ host: "127.0.0.1", sendTracebacks: false });
      daemon.register(Service, "svc");
      const raw = await handshaken(daemon.port!);
      try {
        const calls = [
          ["hello", [], {}],
          ["fail", ["second call fails"], {}],
        ];
        raw.send(
          frame({
            type: MSG.INVOKE,
            serializerId: SERIALIZER.JSON,
            seq: 1,
            flags: BATCH_FLAG,
            payload: json({ object: "svc", method: "<batch>", params: calls, kwargs: null }),
          }),
        );
        const reply = await raw.read();
        const text = reply.payload.toString();
        const results = JSON.parse(text) as [string, { exception: { args: string[]; attributes: { _pyroTraceback: unknown } } }];
        expect(results[0]).to.equal("hello");
        expect(results[1].exception.args).to.deep.equal(["second call fails"]);
        expect(results[1].exception.attributes._pyroTraceback).to.equal(null);
        expect(text).not.to.match(/most recent call|\.js\b|\/work\//);
      } finally {
        raw.destroy();
      }
    });

    it("with the default, an error inside a batch keeps its traceback", async () => {
      await using daemon = await Daemon.create({ host: "127.0.0.1" });
      const uri = daemon.register(Service, "svc");
      await using svc = new Proxy<ServiceApi>(uri);
      const b = batch(svc);
      void b.hello();
      void b.fail("second");
      const error = await failure(runBatch(b));
      expect(error).to.be.instanceOf(BatchError);
      const cause = (error as BatchError).cause as RemoteError;
      expect(cause.remoteTraceback?.[0]).to.equal("Traceback (most recent call last):\n");
    });
  });

  describe("remote iterators", () => {
    it("refuses iterators beyond MAX_ITER_STREAMS per connection with an error naming the item; closing one frees a place", async () => {
      await using daemon = await Daemon.create({ host: "127.0.0.1", maxIterStreams: 3 });
      const uri = daemon.register(Service, "svc");
      await using svc = new Proxy<ServiceApi>(uri);
      const open = [1, 2, 3].map(() => (svc.count(10) as unknown as AsyncIterable<number>)[Symbol.asyncIterator]());
      for (const iterator of open) expect((await iterator.next()).value).to.equal(0);
      expect(daemon.stats.streams).to.equal(3);
      const error = await failure(svc.count(10) as unknown as Promise<unknown>);
      expect(error.message).to.match(/too many remote iterators open on this connection \(MAX_ITER_STREAMS is 3\)/);
      expect(daemon.stats.streams).to.equal(3);
      await open[0]!.return!();
      const deadline = Date.now() + 5000;
      while (daemon.stats.streams > 2 && Date.now() < deadline) await sleep(10);
      const items: number[] = [];
      for await (const item of svc.count(2)) items.push(item);
      expect(items).to.deep.equal([0, 1]);
      // Another connection has places of its own.
      await using other = new Proxy<ServiceApi>(uri);
      const more: number[] = [];
      for await (const item of other.count(2)) more.push(item);
      expect(more).to.deep.equal([0, 1]);
    });
  });
});
