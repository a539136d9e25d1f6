import { expect } from "chai";
import { deflateSync } from "node:zlib";
import {
  COMPRESSION_THRESHOLD,
  ProtocolError,
  SerializeError,
  compressPayload,
  decodeMarshalString,
  decompressPayload,
  encodeMarshalString,
  isSerializerId,
  jsonSerializer,
  msgpackSerializer,
  serializerById,
  serializerByName,
  serializerIds,
  serializerNames,
  serpentSerializer,
} from "@pyrots/core/internal";

const hex = (text: string): Buffer => Buffer.from(text, "hex");

describe("marshal strings", () => {
  it("encodes as Python's unicode type 'u' with a u32 length", () => {
    expect(encodeMarshalString("héllo").toString("hex")).to.equal("f50600000068c3a96c6c6f".replace(/^f5/, "75"));
    expect(encodeMarshalString("").toString("hex")).to.equal("7500000000");
  });

  // Bytes from /usr/bin/python3: marshal.dumps("abc"), marshal.dumps("héllo"), marshal.dumps("a"*300)
  it("decodes every string form Python writes, with or without the ref bit", () => {
    expect(decodeMarshalString(hex("da03616263"))).to.equal("abc");
    expect(decodeMarshalString(hex("5a03616263"))).to.equal("abc");
    expect(decodeMarshalString(hex("7a03616263"))).to.equal("abc");
    expect(decodeMarshalString(hex("f50600000068c3a96c6c6f"))).to.equal("héllo");
    expect(decodeMarshalString(hex("740600000068c3a96c6c6f"))).to.equal("héllo");
    expect(decodeMarshalString(hex("c12c010000" + "61".repeat(300)))).to.equal("a".repeat(300));
    expect(decodeMarshalString(hex("4103000000616263"))).to.equal("abc");
    expect(decodeMarshalString(encodeMarshalString("no free workers, increase server threadpool size"))).to.equal(
      "no free workers, increase server threadpool size",
    );
  });

  it("rejects other types and truncated data", () => {
    expect(() => decodeMarshalString(hex(""))).to.throw(SerializeError);
    expect(() => decodeMarshalString(hex("e9"))).to.throw(SerializeError, /not a string/);
    expect(() => decodeMarshalString(hex("da0561"))).to.throw(SerializeError, /truncated/);
    expect(() => decodeMarshalString(hex("7501"))).to.throw(SerializeError, /truncated/);
  });
});

describe("compression", () => {
  it("leaves payloads under 200 bytes alone", () => {
    expect(COMPRESSION_THRESHOLD).to.equal(200);
    expect(compressPayload(Buffer.alloc(199))).to.equal(undefined);
  });

  it("compresses larger payloads with zlib when that makes them smaller", () => {
    const data = Buffer.from("abc".repeat(100));
    const compressed = compressPayload(data)!;
    expect(compressed.length).to.be.lessThan(data.length);
    expect(compressed.equals(deflateSync(data))).to.equal(true);
    expect(decompressPayload(compressed).equals(data)).to.equal(true);
  });

  it("sends incompressible payloads as they are", () => {
    const random = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7919 + ((i * i) % 251)) & 0xff));
    const noise = Buffer.concat([random, Buffer.from(crypto.getRandomValues(new Uint8Array(300)))]);
    expect(compressPayload(noise)).to.equal(undefined);
  });

  it("raises ProtocolError for corrupt data and honours a size cap", () => {
    expect(() => decompressPayload(Buffer.from("not zlib"))).to.throw(ProtocolError);
    expect(() => decompressPayload(deflateSync(Buffer.alloc(10_000)), 100)).to.throw(ProtocolError);
  });
});

describe("serializer registry", () => {
  it("finds serializers by wire id and name", () => {
    expect(serializerById(6)).to.equal(msgpackSerializer);
    expect(serializerById(2)).to.equal(jsonSerializer);
    expect(serializerById(1)).to.equal(serpentSerializer);
    expect(serializerByName("msgpack")).to.equal(msgpackSerializer);
    expect(serializerByName("Serpent")).to.equal(serpentSerializer);
    expect(serializerByName("JSON")).to.equal(jsonSerializer);
    expect(serializerNames).to.deep.equal(["msgpack", "json", "serpent"]);
    expect(serializerIds).to.deep.equal([6, 2, 1]);
    expect(isSerializerId(6)).to.equal(true);
    expect(isSerializerId(4)).to.equal(false);
  });

  it("names the accepted serializers when asked for another", () => {
    expect(() => serializerById(4)).to.throw(SerializeError, "no serializer available for id 4 (pyrots speaks 6 = msgpack, 2 = json, 1 = serpent)");
    expect(() => serializerByName("pickle")).to.throw(SerializeError, "serializer 'pickle' is unknown or not available (pyrots speaks msgpack, json, serpent)");
  });
});
