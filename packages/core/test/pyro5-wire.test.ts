/**
 * Pyro5's protocol 502 without sockets: the 40-byte header and u32 annotation chunks (checked
 * against the bytes Python Pyro5 5.16 writes, see the literal frame below), the translation of
 * flags, serializer ids and the correlation id, a reader that detects the protocol from the first
 * header and holds a connection to it, and the Pyro5 class dicts of every serializer.
 */
import { expect } from "chai";
import { Proxy } from "@pyrots/core";
import {
  AUTOPROXY,
  Annotation,
  DaemonPlaceholder,
  ExceptionWrapper,
  Flags,
  FrameReader,
  type Message,
  MessageType,
  NamingError,
  PYRO4,
  PYRO4_WIRE,
  PYRO5,
  PYRO5_WIRE,
  ProtocolError,
  ProxyRef,
  RemoteError,
  SecurityError,
  SerializeError,
  SerializerId,
  URI,
  callFrame,
  decodeWireMessage,
  encodeMessage,
  encodeWireMessage,
  valueFrame,
} from "@pyrots/core/internal";

/** What Python Pyro5 5.16 sends when a daemon refuses a protocol-48 CONNECT: a marshal CONNECTFAIL (captured). */
const PYRO5_REFUSAL = Buffer.from(
  "5059524f" +
    "01f6" +
    "03" +
    "02" +
    "0000" +
    "0000" +
    "0000001e" +
    "00000000" +
    "00".repeat(16) +
    "0000" +
    "4dc5" +
    "fa1c" +
    Buffer.from("invalid protocol version: 48").toString("hex"),
  "hex",
);

function pyro5Message(overrides: Partial<Message> = {}): Message {
  return { type: MessageType.INVOKE, flags: 0, seq: 7, serializerId: SerializerId.MSGPACK, annotations: undefined, data: Buffer.from("payload"), ...overrides };
}

function readAll(stream: Buffer, step: number, wire: "detect" | typeof PYRO4_WIRE = "detect"): { got: Message[]; reader: FrameReader } {
  const got: Message[] = [];
  const reader = new FrameReader(0, (m) => got.push(m), wire);
  for (let at = 0; at < stream.length; at += step) reader.push(stream.subarray(at, at + step));
  return { got, reader };
}

describe("Pyro5 wire format (protocol 502)", () => {
  it("reads the CONNECTFAIL a real Pyro5 daemon sends to a protocol-48 CONNECT: marshal is Pyro5's id 2, pyrots' 3", () => {
    const message = decodeWireMessage(PYRO5_REFUSAL);
    expect(message.type).to.equal(MessageType.CONNECTFAIL);
    expect(message.serializerId).to.equal(SerializerId.MARSHAL);
    expect(message.annotations).to.equal(undefined);
    expect(Buffer.from(message.data).subarray(2).toString()).to.equal("invalid protocol version: 48");
  });

  it("writes Pyro5's header field by field: u8 type and serializer, its own flag bits, u32 lengths, trailing magic", () => {
    const annotations = new Map<string, Uint8Array>([["XTRA", Buffer.from("abc")]]);
    const frame = encodeWireMessage(PYRO5_WIRE, pyro5Message({ flags: Flags.ITEMSTREAMRESULT | Flags.ONEWAY, annotations }));
    expect(frame.subarray(0, 4).toString()).to.equal("PYRO");
    expect(frame.readUInt16BE(4)).to.equal(502);
    expect(frame[6]).to.equal(MessageType.INVOKE);
    expect(frame[7], "msgpack is 4 in Pyro5").to.equal(4);
    expect(frame.readUInt16BE(8), "ITEMSTREAMRESULT is 0x10 in Pyro5").to.equal(0x10 | 0x04);
    expect(frame.readUInt16BE(10)).to.equal(7);
    expect(frame.readUInt32BE(12)).to.equal(7);
    expect(frame.readUInt32BE(16), "one chunk: 4 id + 4 length + 3").to.equal(11);
    expect(frame.subarray(20, 36)).to.deep.equal(Buffer.alloc(16));
    expect(frame.readUInt16BE(38)).to.equal(0x4dc5);
    expect(frame.subarray(40, 48).toString("latin1")).to.equal("XTRA\0\0\0\x03");
    expect(frame.length).to.equal(40 + 11 + 7);
  });

  it("carries the correlation id in the header (flag CORR_ID), and gives it back as a CORR annotation", () => {
    const corr = Buffer.from("0123456789abcdef0123456789abcdef", "hex");
    const frame = encodeWireMessage(PYRO5_WIRE, pyro5Message({ annotations: new Map([[Annotation.CORR, corr]]) }));
    expect(frame.readUInt16BE(8)).to.equal(0x40);
    expect(frame.readUInt32BE(16), "no CORR chunk").to.equal(0);
    expect(frame.subarray(20, 36)).to.deep.equal(corr);
    const back = decodeWireMessage(frame);
    expect(Buffer.from(back.annotations!.get(Annotation.CORR)!)).to.deep.equal(corr);
    expect(back.flags).to.equal(0);
  });

  it("translates every flag and serializer id both ways", () => {
    for (const [pyro4, wire] of [
      [Flags.EXCEPTION, 0x01],
      [Flags.COMPRESSED, 0x02],
      [Flags.ONEWAY, 0x04],
      [Flags.BATCH, 0x08],
      [Flags.ITEMSTREAMRESULT, 0x10],
      [Flags.KEEPSERIALIZED, 0x20],
    ] as const) {
      const frame = encodeWireMessage(PYRO5_WIRE, pyro5Message({ flags: pyro4 }));
      expect(frame.readUInt16BE(8), `flag ${pyro4}`).to.equal(wire);
      expect(decodeWireMessage(frame).flags).to.equal(pyro4);
    }
    expect(encodeWireMessage(PYRO5_WIRE, pyro5Message({ flags: Flags.META_ON_CONNECT })).readUInt16BE(8), "no Pyro5 bit for META_ON_CONNECT").to.equal(0);
    for (const [pyro4, wire] of [
      [SerializerId.SERPENT, 1],
      [SerializerId.MARSHAL, 2],
      [SerializerId.JSON, 3],
      [SerializerId.MSGPACK, 4],
    ] as const) {
      const frame = encodeWireMessage(PYRO5_WIRE, pyro5Message({ serializerId: pyro4 }));
      expect(frame[7]).to.equal(wire);
      expect(decodeWireMessage(frame).serializerId).to.equal(pyro4);
    }
    const foreign = Buffer.from(encodeWireMessage(PYRO5_WIRE, pyro5Message()));
    foreign[7] = 9;
    const id = decodeWireMessage(foreign).serializerId;
    expect([1, 2, 3, 6]).to.not.include(id);
    expect(encodeWireMessage(PYRO5_WIRE, pyro5Message({ serializerId: id }))[7], "an unknown id goes back out unchanged").to.equal(9);
  });

  it("refuses a wrong trailing magic, a wrong version, a CORR chunk and chunks overrunning their block", () => {
    const good = encodeWireMessage(PYRO5_WIRE, pyro5Message({ annotations: new Map([["XTRA", Buffer.from("abc")]]) }));
    const magic = Buffer.from(good);
    magic.writeUInt16BE(0x1234, 38);
    expect(() => decodeWireMessage(magic)).to.throw(ProtocolError, "invalid magic number");
    const version = Buffer.from(good);
    version.writeUInt16BE(501, 4);
    expect(() => decodeWireMessage(version)).to.throw(ProtocolError, "invalid data or unsupported protocol version");
    const corr = Buffer.from(good);
    corr.write("CORR", 40, "latin1");
    expect(() => decodeWireMessage(corr)).to.throw(ProtocolError, /correlation id in the header/);
    const overrun = Buffer.from(good);
    overrun.writeUInt32BE(0xffffffff, 44);
    expect(() => decodeWireMessage(overrun)).to.throw(ProtocolError, /overruns/);
  });

  it("a detecting reader takes the first header's protocol, split anywhere, and refuses the other one after it", () => {
    const five = Buffer.concat([1, 2, 3].map((seq) => encodeWireMessage(PYRO5_WIRE, pyro5Message({ seq }))));
    const four = Buffer.concat([1, 2].map((seq) => encodeMessage(pyro5Message({ seq }))));
    for (const step of [1, 3, 5, 6, 7, 39, 40, 41, 1000]) {
      const { got, reader } = readAll(five, step);
      expect(
        got.map((m) => m.seq),
        `Pyro5 in chunks of ${step}`,
      ).to.deep.equal([1, 2, 3]);
      expect(reader.wire).to.equal(PYRO5_WIRE);
      const pyro4 = readAll(four, step);
      expect(pyro4.got.map((m) => m.seq)).to.deep.equal([1, 2]);
      expect(pyro4.reader.wire).to.equal(PYRO4_WIRE);
    }
    const reader = new FrameReader(0, () => undefined, "detect");
    reader.push(encodeWireMessage(PYRO5_WIRE, pyro5Message()));
    // (A Pyro5 reader needs its 40 header bytes before it judges them: this message has 44.)
    expect(() => reader.push(encodeMessage(pyro5Message({ data: Buffer.alloc(20) })))).to.throw(ProtocolError, "invalid protocol version: 48");
    const pyro4First = new FrameReader(0, () => undefined, "detect");
    pyro4First.push(encodeMessage(pyro5Message()));
    expect(() => pyro4First.push(encodeWireMessage(PYRO5_WIRE, pyro5Message()))).to.throw(ProtocolError, "invalid data or unsupported protocol version");
    expect(() => new FrameReader(0, () => undefined, "detect").push(Buffer.from("PYRO\x00\x31"))).to.throw(
      ProtocolError,
      "invalid data or unsupported protocol version",
    );
    expect(() => new FrameReader(0, () => undefined, PYRO4_WIRE).push(encodeWireMessage(PYRO5_WIRE, pyro5Message()))).to.throw(ProtocolError);
  });

  it("checks the size limit against the u32 lengths before reading the body", () => {
    const frame = encodeWireMessage(PYRO5_WIRE, pyro5Message());
    frame.writeUInt32BE(0xffffffff, 12);
    const reader = new FrameReader(1024 * 1024, () => undefined, "detect");
    expect(() => reader.push(frame.subarray(0, 40))).to.throw(/^max message size exceeded \(\d+ where max=\d+\)/);
  });

  it("frames built in place around a serializer's output, and their sequence number rewritten, read back", () => {
    const fields = { type: MessageType.INVOKE, flags: Flags.ONEWAY, seq: 0, wire: PYRO5_WIRE, annotations: new Map([["XTRA", Buffer.from("x")]]) };
    const frame = callFrame(fields, PYRO5.serializerByName("msgpack"), "obj", "method", [1, "two"], {}) as Buffer;
    PYRO5_WIRE.rewriteSeq(frame, 4242);
    const message = decodeWireMessage(frame);
    expect(message.seq).to.equal(4242);
    expect(message.flags).to.equal(Flags.ONEWAY);
    expect(PYRO5.serializerById(message.serializerId).decodeCall(message.data)).to.deep.include({ object: "obj", method: "method", args: [1, "two"] });
    expect(() =>
      valueFrame({ type: 5, flags: 0, seq: 1, wire: PYRO5_WIRE, signing: { key: Buffer.from("k"), sealed: false } }, PYRO5.serializerByName("json"), 1),
    ).to.throw(ProtocolError, /only Pyro4's protocol has HMAC/);
  });
});

describe("Pyro5 class dicts, in every serializer", () => {
  const uri = URI.parse("PYRO:thing@127.0.0.1:4321");
  for (const name of ["msgpack", "json", "serpent"]) {
    const five = PYRO5.serializerByName(name);
    const four = PYRO4.serializerByName(name);

    it(`${name}: URIs, proxies, daemons, errors and exception wrappers go out under Pyro5's names`, () => {
      const ref = new ProxyRef({ uri, methods: ["a"], oneway: ["b"], attrs: ["c"], serializer: "serpent" });
      const text = Buffer.from(five.encode([uri, ref, new DaemonPlaceholder(), new NamingError("gone"), new ExceptionWrapper(new TypeError("bad"))])).toString(
        "latin1",
      );
      for (const expected of [
        "Pyro5.core.URI",
        "Pyro5.client.Proxy",
        "Pyro5.server.Daemon",
        "Pyro5.errors.NamingError",
        "Pyro5.core._ExceptionWrapper",
        "builtins.TypeError",
      ]) {
        expect(text, expected).to.include(expected);
      }
      expect(text).to.not.include("Pyro4");
    });

    it(`${name}: registered objects, registered object literals and pyrots proxies go out as Pyro5 proxies too`, () => {
      const ref = () => new ProxyRef({ uri, methods: ["ping"] });
      const registered = Object.defineProperty({ ping: () => "pong" }, AUTOPROXY, { value: ref });
      const instance = Object.defineProperty(new (class Thing {})(), AUTOPROXY, { value: ref });
      const proxy = new Proxy(String(uri), { env: {} });
      for (const [label, value] of Object.entries({ registered, instance, proxy })) {
        const decoded = five.decode(five.encode({ value })) as { value: ProxyRef };
        expect(decoded.value, label).to.be.instanceOf(ProxyRef);
        expect(String(decoded.value.uri)).to.equal(String(uri));
        expect(Buffer.from(five.encodeCall("o", "m", [value], { value })).toString("latin1")).to.not.include("Pyro4");
      }
    });

    it(`${name}: Pyro5's class dicts come back as the same values; a proxy's 6-element state marks it as speaking 502`, () => {
      const ref = new ProxyRef({ uri, methods: ["a"], oneway: ["b"], attrs: ["c"], handshake: "hi", serializer: "json" });
      const [u, r, d, e, w] = five.decode(
        five.encode([uri, ref, new DaemonPlaceholder(), new NamingError("gone"), new ExceptionWrapper(new TypeError("bad"))]),
      ) as unknown[];
      expect(String(u)).to.equal(String(uri));
      expect(r).to.be.instanceOf(ProxyRef);
      expect((r as ProxyRef).protocol).to.equal(502);
      expect([(r as ProxyRef).methods, (r as ProxyRef).oneway, (r as ProxyRef).attrs, (r as ProxyRef).handshake, (r as ProxyRef).serializer]).to.deep.equal([
        ["a"],
        ["b"],
        ["c"],
        "hi",
        "json",
      ]);
      expect(d).to.be.instanceOf(DaemonPlaceholder);
      expect(e).to.be.instanceOf(NamingError);
      expect((w as ExceptionWrapper).error).to.be.instanceOf(RemoteError);
      expect(((w as ExceptionWrapper).error as RemoteError).remoteType).to.equal("builtins.TypeError");
    });

    it(`${name}: each protocol refuses the other's class names (as Pyro4 and Pyro5 do), and bogus Pyro5 states`, () => {
      expect(() => five.decode(four.encode(uri))).to.throw(SerializeError, /Pyro4\.core\.URI/);
      expect(() => four.decode(five.encode(uri))).to.throw(SerializeError, /Pyro5\.core\.URI/);
      const badProxy = { __class__: "Pyro5.client.Proxy", state: ["PYRO:x@h:1", [], [], [], "hello", null, "extra", 0] };
      expect(() => five.decode(five.encode(badProxy))).to.throw(/6 elements/);
      expect(() => five.decode(five.encode({ __class__: "Pyro5.errors.__proto__", args: [] }))).to.throw(SecurityError);
      expect(() => five.decode(five.encode({ __class__: "Pyro5.errors.NoSuchError", __exception__: true, args: [] }))).to.throw(SerializeError);
    });
  }
});
