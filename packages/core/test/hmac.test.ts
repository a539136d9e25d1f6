/**
 * Message signing: Pyro4's HMAC and the sealed form pyrots peers agree on. The sealed form must
 * notice a change to any header field or annotation; Pyro4's does not cover the header (shown
 * here, as it is what remains open toward Pyro4 peers).
 */
import { expect } from "chai";
import {
  type Message,
  type MessageSigning,
  SEAL_KEY,
  SecurityError,
  computeHmac,
  decodeMessage,
  encodeMessage,
  sealKeyFor,
  sealNonceIn,
  sealedMac,
  signFrame,
  verifyHmac,
} from "@pyrots/core/internal";

const key = Buffer.from("shared secret");
const pyro4: MessageSigning = { key, sealed: false };
const sealed: MessageSigning = { key: sealKeyFor(key, "00".repeat(16), "11".repeat(16)), sealed: true };

/** An INVOKE frame with two annotations and an HMAC slot, signed in place with `signing`. */
function signedFrame(signing: MessageSigning): Buffer {
  const annotations = new Map<string, Uint8Array>([
    ["CORR", Buffer.alloc(16, 3)],
    ["XTRA", Buffer.from("abc")],
    ["HMAC", Buffer.alloc(20)],
  ]);
  const frame = encodeMessage({ type: 4, flags: 0, seq: 7, serializerId: 6, annotations, data: Buffer.from("payload bytes") });
  signFrame(frame, signing);
  return frame;
}

/** A copy of `frame` with a header field changed (checksum fixed, as an attacker would). */
function altered(frame: Buffer, offset: number, value: number): Buffer {
  const copy = Buffer.from(frame);
  const old = copy.readUInt16BE(offset);
  copy.writeUInt16BE(value, offset);
  copy.writeUInt16BE((copy.readUInt16BE(22) - old + value + 0x10000) & 0xffff, 22);
  return copy;
}

const accepts = (frame: Buffer, signing: MessageSigning) => {
  try {
    verifyHmac(decodeMessage(frame), signing);
    return true;
  } catch (error) {
    expect(error).to.be.instanceOf(SecurityError);
    return false;
  }
};

describe("message signing", () => {
  it("signs a frame in place the way Pyro4 computes its HMAC", () => {
    const frame = signedFrame(pyro4);
    const message: Message = decodeMessage(frame);
    expect(Buffer.from(message.annotations!.get("HMAC")!)).to.deep.equal(computeHmac(key, message.data, message.annotations));
    expect(accepts(frame, pyro4)).to.equal(true);
  });

  it("signs a frame in parts (a head with header and annotations, then payload parts) like the same frame in one buffer", () => {
    const whole = signedFrame(sealed);
    const annEnd = 24 + whole.readUInt16BE(18);
    const copy = Buffer.from(whole);
    copy.fill(0, annEnd - 20, annEnd);
    const head = Buffer.from(copy.subarray(0, annEnd + 3));
    const parts = [head, copy.subarray(head.length, head.length + 5), copy.subarray(head.length + 5)];
    signFrame(parts, sealed);
    expect(Buffer.concat(parts)).to.deep.equal(whole);
  });

  it("sealed: a change to the type, flags, sequence number or serializer is refused", () => {
    const frame = signedFrame(sealed);
    expect(accepts(frame, sealed)).to.equal(true);
    expect(accepts(altered(frame, 6, 5), sealed), "type").to.equal(false);
    expect(accepts(altered(frame, 8, 0x04), sealed), "flags").to.equal(false);
    expect(accepts(altered(frame, 10, 8), sealed), "seq").to.equal(false);
    expect(accepts(altered(frame, 16, 2), sealed), "serializer").to.equal(false);
  });

  it("sealed: renaming an annotation or moving a byte from one annotation to the next is refused (Pyro4's form accepts both)", () => {
    for (const signing of [sealed, pyro4]) {
      const frame = signedFrame(signing);
      const renamed = Buffer.from(frame);
      renamed.write("XTRB", 24 + 22, "latin1");
      const message = decodeMessage(frame);
      const corr = Buffer.from(message.annotations!.get("CORR")!);
      const xtra = Buffer.from(message.annotations!.get("XTRA")!);
      // The last byte of CORR becomes the first of XTRA: the values' concatenation is unchanged.
      const moved = encodeMessage({
        ...message,
        annotations: new Map([
          ["CORR", corr.subarray(0, 15)],
          ["XTRA", Buffer.concat([corr.subarray(15), xtra])],
          ["HMAC", message.annotations!.get("HMAC")!],
        ]),
      });
      const expected = signing.sealed ? [false, false] : [true, true];
      expect([accepts(renamed, signing), accepts(moved, signing)], signing.sealed ? "sealed" : "pyro4").to.deep.equal(expected);
    }
  });

  it("Pyro4's form does not notice a changed header: what stays open toward Pyro4 peers", () => {
    const frame = signedFrame(pyro4);
    expect(accepts(altered(frame, 8, 0x04), pyro4)).to.equal(true);
    expect(accepts(altered(frame, 10, 8), pyro4)).to.equal(true);
  });

  it("a sealed message does not verify under another connection's session key", () => {
    const other: MessageSigning = { key: sealKeyFor(key, "00".repeat(16), "22".repeat(16)), sealed: true };
    expect(accepts(signedFrame(sealed), other)).to.equal(false);
  });

  it("computes the sealed MAC from fields exactly as from the frame", () => {
    const message = decodeMessage(signedFrame(sealed));
    const mac = sealedMac(sealed.key, message.type, message.flags, message.seq, message.serializerId, message.data, message.annotations);
    expect(mac).to.deep.equal(Buffer.from(message.annotations!.get("HMAC")!));
  });

  it("reads a peer's sealing nonce only in its exact form", () => {
    const nonce = "0123456789abcdef0123456789abcdef";
    expect(sealNonceIn({ [SEAL_KEY]: nonce })).to.equal(nonce);
    for (const bad of [nonce.toUpperCase(), nonce.slice(1), 42, null, [nonce]]) expect(sealNonceIn({ [SEAL_KEY]: bad })).to.equal(undefined);
    expect(sealNonceIn(Object.create({ [SEAL_KEY]: nonce }))).to.equal(undefined);
    expect(sealNonceIn([nonce])).to.equal(undefined);
  });
});
