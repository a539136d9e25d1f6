/**
 * The frame reader on its own: messages split anywhere, limits that change between messages, and
 * memory that follows the bytes received rather than the lengths announced.
 */
import { expect } from "chai";
import { FrameReader, MessageTooLargeError, type Message, encodeMessage } from "@pyrots/core/internal";

function message(seq: number, size: number, annotations?: Map<string, Uint8Array>): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (seq + i) & 0xff;
  return encodeMessage({ type: 4, flags: 0, seq, serializerId: 6, annotations, data });
}

function reader(limit = 0): { reader: FrameReader; got: Message[] } {
  const got: Message[] = [];
  return { reader: new FrameReader(limit, (m) => got.push(m)), got };
}

describe("frame reader", () => {
  it("assembles messages split at every possible place, with their annotations", () => {
    const stream = Buffer.concat([message(1, 10, new Map([["CORR", Buffer.alloc(16, 7)]])), message(2, 0), message(3, 300)]);
    for (const step of [1, 2, 5, 23, 24, 25, 64, stream.length]) {
      const { reader: r, got } = reader();
      for (let at = 0; at < stream.length; at += step) r.push(stream.subarray(at, at + step));
      expect(
        got.map((m) => m.seq),
        `chunks of ${step}`,
      ).to.deep.equal([1, 2, 3]);
      expect(Buffer.from(got[0]!.annotations!.get("CORR")!)).to.deep.equal(Buffer.alloc(16, 7));
      expect(Buffer.from(got[2]!.data)).to.deep.equal(message(3, 300).subarray(24));
      expect(r.idle).to.equal(true);
    }
  });

  it("holds memory for a partial message in proportion to the bytes that arrived, whatever the header announces", () => {
    const announced = 512 * 1024 * 1024;
    const head = message(1, 0);
    head.writeInt32BE(announced, 12);
    head.writeUInt16BE((head.readUInt16BE(22) + announced) & 0xffff, 22);
    const before = process.memoryUsage().arrayBuffers;
    const readers = Array.from({ length: 8 }, () => reader(1024 * 1024 * 1024).reader);
    for (const r of readers) {
      r.push(head);
      r.push(Buffer.alloc(1000));
    }
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(grown, `${grown} bytes for 8 readers announcing 512 MiB each`).to.be.below(4 * 1024 * 1024);
    expect(readers[0]!.partialBytes).to.equal(24 + 1000);
  });

  it("assembles a message larger than its first reservation, arriving in socket-sized chunks, intact", () => {
    const whole = message(4, 5 * 1024 * 1024 + 3);
    for (const step of [65_536, 4096, 1_000_003]) {
      const { reader: r, got } = reader();
      for (let at = 0; at < whole.length; at += step) r.push(whole.subarray(at, at + step));
      expect(got, `chunks of ${step}`).to.have.length(1);
      expect(Buffer.from(got[0]!.data).equals(whole.subarray(24)), `chunks of ${step}`).to.equal(true);
      expect(r.idle).to.equal(true);
    }
  });

  it("copies small pieces of large chunks rather than keeping the chunks alive", () => {
    const { reader: r, got } = reader();
    const whole = message(9, 5000);
    const chunk = Buffer.concat([Buffer.alloc(60_000), whole.subarray(0, 100)]).subarray(60_000);
    r.push(chunk);
    r.push(whole.subarray(100));
    expect(got).to.have.length(1);
    expect(got[0]!.data.buffer).not.to.equal(chunk.buffer);
    expect(Buffer.from(got[0]!.data)).to.deep.equal(whole.subarray(24));
  });

  it("checks the limit from the header, and a new limit applies from the next message", () => {
    const { reader: r, got } = reader(100);
    r.push(message(1, 80));
    r.limit = 1000;
    r.push(message(2, 500));
    expect(got.map((m) => m.seq)).to.deep.equal([1, 2]);
    r.limit = 100;
    expect(() => r.push(message(3, 101))).to.throw(MessageTooLargeError, /^max message size exceeded \(101 where max=100\)/);
  });
});
