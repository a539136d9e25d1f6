/**
 * Protocol-502 abuse (Pyro5's wire format; see packages/core/src/protocol/pyro5.ts): a daemon
 * detects the protocol from a connection's first header and must then hold every later byte to
 * it. Generators:
 *
 * - random Pyro5 headers: lying u32 data and annotation lengths (up to 4 GiB), wrong trailing
 *   magic numbers, odd types, serializer ids and flags, correlation ids, annotation chunks whose
 *   u32 lengths overrun their block;
 * - hostile Pyro5 handshakes: CONNECT payloads of hostile values (Pyro5 class dicts included) in
 *   each serializer, `CORR` chunks that would shadow the header's correlation id, then maybe a call;
 * - hostile calls after a valid Pyro5 handshake, with Pyro5's flag bits and compressed payloads;
 * - 48 and 502 mixed on one connection, in every order.
 */
import { deflateSync } from "node:zlib";
import fc from "fast-check";
import { type FrameSpec, type Pyro5Extras, buildFrame, buildPyro5Frame } from "./frames.js";
import type { WireCase } from "./harness.js";
import { type Hostile, MpMap, hostileValue, mp } from "./hostile.js";
import { type TargetShape, T, callPayload, connectFrame, cuts, encode, frame, toCase } from "./cases.js";
import { serpentStyle } from "./serpent-text.js";

/** Pyro5's serializer ids, and the Pyro4 id whose encoding each uses. */
const P5 = { SERPENT: 1, MARSHAL: 2, JSON: 3, MSGPACK: 4 } as const;
const ENCODING_OF: Readonly<Record<number, number>> = { 1: 1, 3: 2, 4: 6 };
const SPOKEN5 = [P5.SERPENT, P5.JSON, P5.MSGPACK] as const;
/** Pyro5's flag bits. */
const F5 = { EXCEPTION: 0x01, COMPRESSED: 0x02, ONEWAY: 0x04, BATCH: 0x08, STREAM: 0x10, KEEPSERIALIZED: 0x20, CORR_ID: 0x40 } as const;

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((a) => Buffer.from(a));
const flags5 = fc.oneof(
  fc.subarray(Object.values(F5)).map((bits) => bits.reduce((a, b) => a | b, 0)),
  u16,
);
const serializer5 = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...SPOKEN5) }, fc.constantFrom(0, P5.MARSHAL, 5, 6, 7), u8);
/** u32 lengths that cost a careless reader dearly: near 4 GiB, the 1 GiB limit, the int32 sign bit. */
const hugeLength5 = fc.constantFrom(2 ** 32 - 1, 2 ** 31, 2 ** 31 - 1, 2 ** 30, 2 ** 30 + 1, 999_999_999, 65_536, 65_537);
const annotationId = fc.oneof(
  fc.constantFrom("CORR", "HMAC", "STRM", "BLBI", "MPLX", "XTRA", "\0\0\0\0").map((s) => Buffer.from(s, "latin1")),
  bytes(4).map((b) => Buffer.concat([b, Buffer.alloc(4)]).subarray(0, 4)),
);
const annotation = fc.tuple(annotationId, bytes(64)).map(([id, value]) => [id, value] as const);
const extras: fc.Arbitrary<Pyro5Extras> = fc.record(
  {
    correlationId: bytes(16).map((b) => Buffer.concat([b, Buffer.alloc(16)]).subarray(0, 16)),
    trailingMagic: fc.oneof({ weight: 4, arbitrary: fc.constant(0x4dc5) }, u16),
    reserved: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, u16),
    chunkLengths: fc.array(fc.oneof(u16, hugeLength5), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

/** Encodes a value as a Pyro5 serializer id would carry it (msgpack for ids Pyro5 lacks). */
function encode5(id: number, value: Hostile): Buffer {
  return encode(ENCODING_OF[id] ?? 6, value);
}

/** A valid Pyro5 CONNECT for `objectId` (Pyro5 sends no metadata flag: the answer always has it). */
export function pyro5ConnectFrame(serializerId: number, objectId: string): Buffer {
  const payload = encode5(
    serializerId,
    new MpMap([
      ["handshake", "hello"],
      ["object", objectId],
    ]),
  );
  return buildPyro5Frame(frame(T.CONNECT, 0, 0, serializerId, payload));
}

/** Frames with random Pyro5 header fields; many announce huge lengths and stop short, or end with a wrong magic. */
export const pyro5HeaderCase: fc.Arbitrary<WireCase> = fc
  .tuple(
    fc.array(
      fc.record({
        type: fc.oneof(fc.integer({ min: 0, max: 7 }), u8),
        flags: flags5,
        seq: u16,
        serializerId: serializer5,
        annotations: fc.array(annotation, { maxLength: 3 }),
        payload: fc.oneof(bytes(128), hostileValue.map(mp)),
        dataLength: fc.option(hugeLength5, { freq: 3 }).map((v) => v ?? undefined),
        annotationsLength: fc.option(fc.oneof(hugeLength5, u16), { freq: 4 }).map((v) => v ?? undefined),
        extras,
      }),
      { minLength: 1, maxLength: 3 },
    ),
    cuts,
  )
  .map(([frames, cutAt]) =>
    toCase(
      `pyro5 headers: ${frames.map((f) => `t${f.type}/s${f.serializerId}${f.dataLength !== undefined ? `/len${f.dataLength}` : ""}${f.extras.trailingMagic !== undefined && f.extras.trailingMagic !== 0x4dc5 ? "/magic" : ""}`).join(" ")}`,
      Buffer.concat(frames.map((f) => buildPyro5Frame(f, f.extras))),
      cutAt,
    ),
  );

/** Pyro5 CONNECTs with hostile handshake data, flags, annotations and serializers, maybe followed by a call. */
export function pyro5HandshakeCase(target: TargetShape): fc.Arbitrary<WireCase> {
  const data = fc.oneof(
    fc.tuple(hostileValue, fc.oneof(fc.constant<Hostile>(target.objectId), hostileValue)).map(
      ([handshake, object]) =>
        new MpMap([
          ["handshake", handshake],
          ["object", object],
        ]),
    ),
    hostileValue,
  );
  return fc
    .record({
      sid: serializer5,
      flags: flags5,
      seq: u16,
      data,
      annotations: fc.array(annotation, { maxLength: 2 }),
      extras,
      thenCall: fc.boolean(),
      cutAt: cuts,
    })
    .map(({ sid, flags, seq, data: value, annotations, extras: ex, thenCall, cutAt }) => {
      const parts = [buildPyro5Frame(frame(T.CONNECT, flags, seq, sid, encode5(sid, value), annotations), ex)];
      if (thenCall) {
        const call = callPayload(ENCODING_OF[sid] ?? 6, target.objectId, target.methods[0]!, [1], new MpMap([]));
        parts.push(buildPyro5Frame(frame(T.INVOKE, 0, seq + 1, sid, call)));
      }
      return toCase(
        `pyro5 handshake s${sid} f${flags}${ex.trailingMagic !== undefined && ex.trailingMagic !== 0x4dc5 ? " bad magic" : ""}`,
        Buffer.concat(parts),
        cutAt,
      );
    });
}

/** After a valid Pyro5 handshake: calls with hostile payloads, Pyro5 flags and correlation ids. */
export function pyro5PayloadCase(target: TargetShape): fc.Arbitrary<WireCase> {
  const method = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom<Hostile>(...target.methods) },
    fc.constantFrom<Hostile>(
      "__getattr__",
      "__setattr__",
      "<batch>",
      "get_next_stream_item",
      "get_next_stream_items",
      "close_stream",
      "get_metadata",
      "_private",
      "__proto__",
      "constructor",
    ),
    hostileValue,
  );
  const call = fc.record({
    sid: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...SPOKEN5) }, serializer5),
    flags: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, flags5),
    method,
    args: fc.oneof({ weight: 3, arbitrary: fc.array(hostileValue, { maxLength: 4 }) }, hostileValue),
    kwargs: fc.oneof(fc.constant<Hostile>(null), fc.constant<Hostile>(new MpMap([])), hostileValue),
    style: serpentStyle,
    annotations: fc.array(annotation, { maxLength: 2 }),
    extras,
  });
  return fc
    .record({ connectSid: fc.constantFrom(...SPOKEN5), calls: fc.array(call, { minLength: 1, maxLength: 3 }), cutAt: cuts })
    .map(({ connectSid, calls, cutAt }) => {
      const parts = [pyro5ConnectFrame(connectSid, target.objectId)];
      calls.forEach((c, i) => {
        let payload = callPayload(ENCODING_OF[c.sid] ?? 6, target.objectId, c.method, c.args, c.kwargs, false, c.style);
        if (c.flags & F5.COMPRESSED && i % 2 === 0) payload = deflateSync(payload);
        parts.push(buildPyro5Frame(frame(T.INVOKE, c.flags, i + 1, c.sid, payload, c.annotations), c.extras));
      });
      const label = `pyro5 payload: ${calls.map((c) => `${typeof c.method === "string" ? c.method : "?"}/s${c.sid}/f${c.flags}`).join(" ")}`;
      return toCase(label, Buffer.concat(parts), cutAt);
    });
}

/** Protocol 48 and 502 frames mixed on one connection: a handshake in one, calls and pings in either. */
export function mixedProtocolCase(target: TargetShape): fc.Arbitrary<WireCase> {
  const step = fc.record({ pyro5: fc.boolean(), kind: fc.constantFrom("connect", "call", "ping"), sid: fc.constantFrom(0, 1, 2) });
  return fc.record({ steps: fc.array(step, { minLength: 2, maxLength: 5 }), cutAt: cuts }).map(({ steps, cutAt }) => {
    const parts = steps.map((s, i) => {
      const id4 = [1, 2, 6][s.sid]!;
      const id5 = SPOKEN5[s.sid]!;
      if (s.kind === "connect") return s.pyro5 ? pyro5ConnectFrame(id5, target.objectId) : buildFrame(connectFrame(id4, target.objectId, i));
      const spec: FrameSpec =
        s.kind === "ping"
          ? frame(T.PING, 0, i, s.pyro5 ? id5 : id4, Buffer.from("ping"))
          : frame(T.INVOKE, 0, i, s.pyro5 ? id5 : id4, callPayload(id4, target.objectId, target.methods[0]!, [i], new MpMap([])));
      return s.pyro5 ? buildPyro5Frame(spec) : buildFrame(spec);
    });
    return toCase(`mixed 48/502: ${steps.map((s) => `${s.kind}@${s.pyro5 ? 502 : 48}`).join(" ")}`, Buffer.concat(parts), cutAt);
  });
}
