import { expect } from "chai";
import { msgpackSerializer as msgpack } from "@pyrots/core/internal";

const big = (n: number, fill: number) => Buffer.alloc(n, fill);

describe("msgpack parts (large binaries sent without copying)", () => {
  it("gives the same bytes as a plain encode, with each large binary as its own uncopied part", () => {
    const blob = big(100_000, 7);
    const value = { name: "x", list: [1, blob, { inner: big(70_000, 9), n: 2 }], small: Buffer.from("ab") };
    const parts = msgpack.encodeParts!(value) as Buffer[];
    expect(Array.isArray(parts)).to.equal(true);
    expect(Buffer.concat(parts).equals(msgpack.encode(value))).to.equal(true);
    expect(parts.some((part) => part.buffer === blob.buffer && part.byteOffset === blob.byteOffset)).to.equal(true);
    expect(msgpack.decode(Buffer.concat(parts))).to.deep.equal(value);
  });

  it("encodes a call with a large argument as parts that decode to the same call", () => {
    const blob = big(65_536, 1);
    const parts = msgpack.encodeCallParts!("obj", "store", ["key", blob], { mode: "w" }) as Buffer[];
    expect(Array.isArray(parts)).to.equal(true);
    const call = msgpack.decodeCall(Buffer.concat(parts));
    expect(call).to.deep.equal({ object: "obj", method: "store", args: ["key", blob], kwargs: { mode: "w" } });
  });

  it("keeps the one-buffer form, with room reserved, when nothing is large", () => {
    const encoded = msgpack.encodeParts!({ a: Buffer.alloc(100) }, 24);
    expect(Buffer.isBuffer(encoded)).to.equal(true);
    expect((encoded as Buffer).subarray(24).equals(msgpack.encode({ a: Buffer.alloc(100) }))).to.equal(true);
  });

  it("writes array and map headers of every size class", () => {
    const blob = big(65_536, 3);
    for (const size of [1, 15, 16, 70_000]) {
      const list: unknown[] = Array.from({ length: size }, (_, i) => i);
      list[0] = blob;
      const record: Record<string, unknown> = Object.fromEntries(Array.from({ length: Math.min(size, 20) }, (_, i) => [`k${i}`, i]));
      record.k0 = blob;
      for (const value of [list, record]) {
        const parts = msgpack.encodeParts!(value) as Buffer[];
        expect(Buffer.concat(parts).equals(msgpack.encode(value)), `size ${size}`).to.equal(true);
      }
    }
  });
});
