/**
 * Fuzz case generators (fast-check arbitraries producing {@link WireCase}s):
 *
 * - mutational: a captured, valid client stream with frame-level mutations (header fields changed
 *   under a valid checksum, lying lengths, payload bit flips and splices, extra annotation chunks,
 *   dropped/duplicated/swapped frames, frames spliced from other streams) and then byte-level ones
 *   (bit flips, truncation, extension, insertion);
 * - generated: random headers with valid checksums and huge announced lengths; hostile handshakes;
 *   hostile call payloads (random msgpack/json/serpent trees, class dicts with odd `__class__`
 *   values, every msgpack ext type, `__proto__` keys at any depth, deep nesting, compression bombs)
 *   after a valid handshake; serpent abuse (serpent-cases.ts); payloads that cost a careless decoder
 *   dearly for their size (floods of empty containers, plain or compressed, and lengths declared far
 *   beyond the bytes that follow), in a handshake or in a call.
 *
 * Every case is also cut into random write chunks, to exercise reassembly of split frames.
 */
import { createDeflate, deflateSync } from "node:zlib";
import fc from "fast-check";
import { type FrameSpec, buildFrame } from "./frames.js";
import type { WireCase } from "./harness.js";
import { type Hostile, MpMap, costlyBytes, deepBytes, hostileValue, jsonText, mp } from "./hostile.js";
import { PLAIN_STYLE, type SerpentStyle, serpentCall, serpentStyle, serpentText } from "./serpent-text.js";

export const T = { CONNECT: 1, INVOKE: 4, PING: 6 } as const;
export const F = { EXCEPTION: 0x01, COMPRESSED: 0x02, ONEWAY: 0x04, BATCH: 0x08, META: 0x10, STREAM: 0x20, KEEPSERIALIZED: 0x40 } as const;
const SERPENT_ID = 1;
const JSON_ID = 2;
const MSGPACK_ID = 6;
/** The serializers a pyrots daemon accepts. */
const SPOKEN = [SERPENT_ID, JSON_ID, MSGPACK_ID] as const;

/** What the generators may aim calls at: object ids and method names of the target. */
export interface TargetShape {
  objectId: string;
  /** Methods safe to call with any arguments (never one that stops or blocks the target). */
  methods: readonly string[];
}

const u16 = fc.integer({ min: 0, max: 0xffff });
const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((a) => Buffer.from(a));
const annotationId = fc.oneof(
  fc.constantFrom("CORR", "HMAC", "STRM", "BLBI", "MPLX", "XTRA", "\0\0\0\0").map((s) => Buffer.from(s, "latin1")),
  bytes(4).map((b) => Buffer.concat([b, Buffer.alloc(4)]).subarray(0, 4)),
);
const annotation = fc.tuple(annotationId, bytes(64)).map(([id, value]) => [id, value] as const);
/** Data lengths that cost a careless reader dearly: near the 1 GiB limit and the int32 maximum. */
const hugeLength = fc.constantFrom(2 ** 31 - 1, 2 ** 30, 2 ** 30 + 1, 2 ** 30 - 24, 999_999_999, 2 ** 29, -1, -(2 ** 31), 65_536);

export function frame(type: number, flags: number, seq: number, serializerId: number, payload: Buffer, annotations: FrameSpec["annotations"] = []): FrameSpec {
  return { type, flags, seq, serializerId, annotations, payload };
}

/** Encodes a value for a serializer id (json when 2, serpent when 1 in `style`, msgpack otherwise). */
export function encode(serializerId: number, value: Hostile, style: SerpentStyle = PLAIN_STYLE): Buffer {
  if (serializerId === SERPENT_ID) return serpentText(value, style);
  return serializerId === JSON_ID ? Buffer.from(jsonText(value), "utf8") : mp(value);
}

/** A call payload as Pyro4 lays it out for msgpack (array), json (object) or serpent (tuple). */
export function callPayload(
  serializerId: number,
  objectId: Hostile,
  method: Hostile,
  args: Hostile,
  kwargs: Hostile,
  escapeKeys = false,
  style: SerpentStyle = PLAIN_STYLE,
): Buffer {
  if (serializerId === SERPENT_ID) return serpentCall(objectId, method, args, kwargs, style);
  if (serializerId !== JSON_ID) return mp([objectId, method, args, kwargs]);
  return Buffer.from(
    jsonText(
      new MpMap([
        ["object", objectId],
        ["method", method],
        ["params", args],
        ["kwargs", kwargs],
      ]),
      escapeKeys,
    ),
    "utf8",
  );
}

/** A valid CONNECT for `objectId`. */
export function connectFrame(serializerId: number, objectId: string, seq = 0): FrameSpec {
  return frame(
    T.CONNECT,
    F.META,
    seq,
    serializerId,
    encode(
      serializerId,
      new MpMap([
        ["handshake", "hello"],
        ["object", objectId],
      ]),
    ),
  );
}

/** Random cut points: the case's bytes in 1 to 4 writes. */
export const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 3 });

export function toCase(label: string, data: Buffer, cutAt: readonly number[]): WireCase {
  const points = [...new Set(cutAt.map((c) => Math.floor(c * data.length)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    if (p > last) chunks.push(data.subarray(last, p));
    last = Math.max(last, p);
  }
  if (last < data.length || chunks.length === 0) chunks.push(data.subarray(last));
  return wireCase(label, chunks);
}

/** A case that fast-check prints as its label and leading bytes, not as a wall of numbers. */
function wireCase(label: string, chunks: Buffer[]): WireCase {
  return {
    label,
    chunks,
    [fc.toStringMethod]() {
      const all = Buffer.concat(chunks);
      return `${label} [${all.length} bytes in ${chunks.length} writes: ${all.subarray(0, 64).toString("hex")}${all.length > 64 ? "…" : ""}]`;
    },
  } as WireCase;
}

// ---- mutational ----

type FrameOp =
  | { op: "field"; frame: number; field: "type" | "flags" | "seq" | "serializerId" | "version"; value: number }
  | { op: "dataLength"; frame: number; value: number }
  | { op: "annLength"; frame: number; value: number }
  | { op: "checksum"; frame: number; delta: number }
  | { op: "payloadFlip"; frame: number; at: number; bit: number }
  | { op: "payloadSplice"; frame: number; at: number; remove: number; insert: Buffer }
  | { op: "annotation"; frame: number; id: Buffer; value: Buffer }
  | { op: "drop" | "duplicate"; frame: number }
  | { op: "swap"; frame: number; other: number }
  | { op: "foreign"; frame: number; stream: number; other: number };

type ByteOp =
  | { op: "flip"; at: number; bit: number }
  | { op: "truncate"; at: number }
  | { op: "extend"; data: Buffer }
  | { op: "insert"; at: number; data: Buffer }
  | { op: "set"; at: number; value: number };

const n = fc.nat();
const frameOp: fc.Arbitrary<FrameOp> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("field" as const),
      frame: n,
      field: fc.constantFrom("type" as const, "flags" as const, "seq" as const, "serializerId" as const, "version" as const),
      value: fc.oneof(u16, fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7, 0x10, 0x3f, 0x7f, 47, 49)),
    }),
  },
  fc.record({ op: fc.constant("dataLength" as const), frame: n, value: fc.oneof(hugeLength, fc.integer({ min: 0, max: 4096 })) }),
  fc.record({ op: fc.constant("annLength" as const), frame: n, value: u16 }),
  fc.record({ op: fc.constant("checksum" as const), frame: n, delta: fc.integer({ min: 1, max: 0xffff }) }),
  { weight: 4, arbitrary: fc.record({ op: fc.constant("payloadFlip" as const), frame: n, at: n, bit: fc.integer({ min: 0, max: 7 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("payloadSplice" as const),
      frame: n,
      at: n,
      remove: fc.integer({ min: 0, max: 16 }),
      insert: fc.oneof(
        bytes(16),
        hostileValue.map((v) => mp(v)),
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("annotation" as const), frame: n, id: annotationId, value: bytes(80) }) },
  fc.record({ op: fc.constantFrom("drop" as const, "duplicate" as const), frame: n }),
  fc.record({ op: fc.constant("swap" as const), frame: n, other: n }),
  fc.record({ op: fc.constant("foreign" as const), frame: n, stream: n, other: n }),
);
const byteOp: fc.Arbitrary<ByteOp> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant("flip" as const), at: n, bit: fc.integer({ min: 0, max: 7 }) }) },
  fc.record({ op: fc.constant("truncate" as const), at: n }),
  fc.record({ op: fc.constant("extend" as const), data: bytes(64) }),
  fc.record({ op: fc.constant("insert" as const), at: n, data: bytes(8) }),
  fc.record({ op: fc.constant("set" as const), at: n, value: fc.integer({ min: 0, max: 255 }) }),
);

function applyFrameOp(frames: FrameSpec[], op: FrameOp, corpus: readonly FrameSpec[][]): FrameSpec[] {
  if (frames.length === 0) return frames;
  const i = op.frame % frames.length;
  const f = { ...frames[i]! };
  const out = [...frames];
  switch (op.op) {
    case "field":
      (f as Record<string, unknown>)[op.field] = op.value;
      break;
    case "dataLength":
      f.dataLength = op.value;
      break;
    case "annLength":
      f.annotationsLength = op.value;
      break;
    case "checksum":
      f.checksumDelta = op.delta;
      break;
    case "payloadFlip":
      if (f.payload.length > 0) {
        f.payload = Buffer.from(f.payload);
        f.payload[op.at % f.payload.length]! ^= 1 << op.bit;
      }
      break;
    case "payloadSplice": {
      const at = f.payload.length === 0 ? 0 : op.at % (f.payload.length + 1);
      f.payload = Buffer.concat([f.payload.subarray(0, at), op.insert, f.payload.subarray(at + op.remove)]);
      break;
    }
    case "annotation":
      f.annotations = [...f.annotations, [op.id, op.value]];
      break;
    case "drop":
      out.splice(i, 1);
      return out;
    case "duplicate":
      out.splice(i, 0, f);
      return out;
    case "swap": {
      const j = op.other % frames.length;
      [out[i], out[j]] = [out[j]!, out[i]!];
      return out;
    }
    case "foreign": {
      const source = corpus[op.stream % corpus.length]!;
      out.splice(i, 0, source[op.other % source.length]!);
      return out;
    }
  }
  out[i] = f;
  return out;
}

function applyByteOp(data: Buffer, op: ByteOp): Buffer {
  switch (op.op) {
    case "flip": {
      if (data.length === 0) return data;
      const copy = Buffer.from(data);
      copy[op.at % copy.length]! ^= 1 << op.bit;
      return copy;
    }
    case "set": {
      if (data.length === 0) return data;
      const copy = Buffer.from(data);
      copy[op.at % copy.length] = op.value;
      return copy;
    }
    case "truncate":
      return data.subarray(0, op.at % (data.length + 1));
    case "extend":
      return Buffer.concat([data, op.data]);
    case "insert": {
      const at = op.at % (data.length + 1);
      return Buffer.concat([data.subarray(0, at), op.data, data.subarray(at)]);
    }
  }
}

/** Mutations of the captured client streams (each a list of frames starting with CONNECT). */
export function mutatedCase(corpus: readonly FrameSpec[][]): fc.Arbitrary<WireCase> {
  return fc
    .record({
      stream: fc.nat({ max: corpus.length - 1 }),
      frameOps: fc.array(frameOp, { maxLength: 4 }),
      byteOps: fc.oneof({ weight: 3, arbitrary: fc.constant([] as ByteOp[]) }, fc.array(byteOp, { minLength: 1, maxLength: 3 })),
      cutAt: cuts,
    })
    .filter(({ frameOps, byteOps }) => frameOps.length + byteOps.length > 0)
    .map(({ stream, frameOps, byteOps, cutAt }) => {
      let frames = corpus[stream]!;
      for (const op of frameOps) frames = applyFrameOp(frames, op, corpus);
      let data: Buffer = Buffer.concat(frames.map(buildFrame));
      for (const op of byteOps) data = applyByteOp(data, op);
      const label = `mutated stream ${stream}: ${[...frameOps, ...byteOps].map((o) => o.op).join(",")}`;
      return toCase(label, data, cutAt);
    });
}

// ---- generated ----

const serializerId = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...SPOKEN) }, fc.constantFrom(0, 3, 4, 5, 7), u16);
const flags = fc.oneof(
  fc.subarray(Object.values(F)).map((bits) => bits.reduce((a, b) => a | b, 0)),
  u16,
);

/** Frames with random header fields under valid checksums; some announce huge lengths and stop short. */
export const randomHeaderCase: fc.Arbitrary<WireCase> = fc
  .tuple(
    fc.array(
      fc.record({
        type: fc.oneof(fc.integer({ min: 0, max: 7 }), u16),
        flags,
        seq: u16,
        serializerId,
        annotations: fc.array(annotation, { maxLength: 3 }),
        payload: fc.oneof(bytes(128), hostileValue.map(mp)),
        dataLength: fc.option(hugeLength, { freq: 3 }).map((v) => v ?? undefined),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    cuts,
  )
  .map(([frames, cutAt]) =>
    toCase(
      `random headers: ${frames.map((f) => `t${f.type}/s${f.serializerId}${f.dataLength !== undefined ? `/len${f.dataLength}` : ""}`).join(" ")}`,
      Buffer.concat(frames.map(buildFrame)),
      cutAt,
    ),
  );

/** CONNECT messages with hostile handshake data, flags and serializers, maybe followed by a call. */
export function handshakeCase(target: TargetShape): fc.Arbitrary<WireCase> {
  const data = fc.oneof(
    fc.tuple(hostileValue, fc.oneof(fc.constant<Hostile>(target.objectId), hostileValue)).map(
      ([handshake, object]) =>
        new MpMap([
          ["handshake", handshake],
          ["object", object],
        ]),
    ),
    fc.tuple(hostileValue, hostileValue).map(
      ([a, b]) =>
        new MpMap([
          ["__proto__", new MpMap([["handshake", a]])],
          ["object", b],
        ]),
    ),
    hostileValue,
  );
  return fc
    .record({
      sid: serializerId,
      flags,
      seq: u16,
      data,
      annotations: fc.array(annotation, { maxLength: 2 }),
      thenCall: fc.boolean(),
      style: serpentStyle,
      cutAt: cuts,
    })
    .map(({ sid, flags: fl, seq, data: value, annotations, thenCall, style, cutAt }) => {
      const frames = [frame(T.CONNECT, fl, seq, sid, encode(sid, value, style), annotations)];
      if (thenCall) frames.push(frame(T.INVOKE, 0, seq + 1, sid, callPayload(sid, target.objectId, target.methods[0]!, [1], new MpMap([]), false, style)));
      return toCase(`handshake s${sid} f${fl}`, Buffer.concat(frames.map(buildFrame)), cutAt);
    });
}

/** After a valid handshake: calls with hostile payloads, names, flags and arguments. */
export function payloadCase(target: TargetShape): fc.Arbitrary<WireCase> {
  const objectId = fc.oneof({ weight: 4, arbitrary: fc.constant<Hostile>(target.objectId) }, fc.constant<Hostile>("Pyro.Daemon"), hostileValue);
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
      "registered",
      "_private",
      "__proto__",
      "constructor",
      "prototype",
      "toString",
      "hasOwnProperty",
      "__defineGetter__",
      "echo.__class__",
      "",
    ),
    hostileValue,
  );
  const call = fc.record({
    sid: fc.constantFrom(...SPOKEN),
    flags: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, flags),
    objectId,
    method,
    args: fc.oneof({ weight: 3, arbitrary: fc.array(hostileValue, { maxLength: 4 }) }, hostileValue),
    kwargs: fc.oneof(fc.constant<Hostile>(null), fc.constant<Hostile>(new MpMap([])), hostileValue),
    escapeKeys: fc.boolean(),
    style: serpentStyle,
    raw: fc.option(hostileValue, { freq: 5 }),
  });
  return fc
    .record({ connectSid: fc.constantFrom(...SPOKEN), calls: fc.array(call, { minLength: 1, maxLength: 3 }), cutAt: cuts })
    .map(({ connectSid, calls, cutAt }) => {
      const frames = [connectFrame(connectSid, target.objectId)];
      calls.forEach((c, i) => {
        let payload = c.raw !== null ? encode(c.sid, c.raw, c.style) : callPayload(c.sid, c.objectId, c.method, c.args, c.kwargs, c.escapeKeys, c.style);
        // A COMPRESSED flag gets a real zlib payload half of the time, so the call reaches the decoder.
        if (c.flags & F.COMPRESSED && i % 2 === 0) payload = deflateSync(payload);
        frames.push(frame(T.INVOKE, c.flags, i + 1, c.sid, payload));
      });
      const label = `payload: ${calls.map((c) => `${typeof c.method === "string" ? c.method : "?"}/s${c.sid}/f${c.flags}${c.raw !== null ? "/raw" : ""}`).join(" ")}`;
      return toCase(label, Buffer.concat(frames.map(buildFrame)), cutAt);
    });
}

/** Nesting far deeper than any recursive decoder's stack, as a call argument or handshake. */
export function deepCase(target: TargetShape): fc.Arbitrary<WireCase> {
  return fc
    .record({
      sid: fc.constantFrom(...SPOKEN),
      kind: fc.constantFrom("array" as const, "map" as const, "proto" as const),
      depth: fc.integer({ min: 1_000, max: 200_000 }),
      inHandshake: fc.boolean(),
    })
    .map(({ sid, kind, depth, inHandshake }) => {
      const deep = deepBytes(sid === JSON_ID ? "json" : sid === SERPENT_ID ? "serpent" : "msgpack", kind, depth);
      const payload =
        sid === SERPENT_ID
          ? Buffer.concat([
              Buffer.from(inHandshake ? `{'object': '${target.objectId}', 'handshake': ` : `('${target.objectId}', 'echo', (`),
              deep,
              Buffer.from(inHandshake ? "}" : ",), {})"),
            ])
          : sid === JSON_ID
            ? Buffer.concat([
                Buffer.from(
                  inHandshake ? '{"object":"' + target.objectId + '","handshake":' : `{"object":"${target.objectId}","method":"echo","kwargs":{},"params":[`,
                ),
                deep,
                Buffer.from(inHandshake ? "}" : "]}"),
              ])
            : inHandshake
              ? Buffer.concat([Buffer.from([0x82]), mp("object"), mp(target.objectId), mp("handshake"), deep])
              : Buffer.concat([Buffer.from([0x94]), mp(target.objectId), mp("echo"), Buffer.from([0x91]), deep, Buffer.from([0x80])]);
      const frames = inHandshake ? [frame(T.CONNECT, F.META, 0, sid, payload)] : [connectFrame(sid, target.objectId), frame(T.INVOKE, 0, 1, sid, payload)];
      return wireCase(`deep ${kind} ×${depth} ${inHandshake ? "handshake" : "argument"} s${sid}`, [Buffer.concat(frames.map(buildFrame))]);
    });
}

/**
 * Payloads that cost a careless decoder much more than their size, as handshake data or as a
 * call argument, sent plain or zlib-compressed: up to 300,000 empty maps, arrays or binaries
 * (json: objects, arrays, or an integer of 5,000 digits), or msgpack lengths declared far beyond
 * the bytes that follow.
 */
export function costlyCase(target: TargetShape): fc.Arbitrary<WireCase> {
  return fc
    .record({
      sid: fc.constantFrom(JSON_ID, MSGPACK_ID),
      kind: fc.constantFrom("maps" as const, "arrays" as const, "bins" as const, "declared" as const),
      count: fc.oneof(fc.integer({ min: 1_000, max: 300_000 }), fc.constantFrom(65_535, 65_536, 2 ** 20, 2 ** 31 - 1, 2 ** 32 - 1)),
      format: fc.nat({ max: 9 }),
      compress: fc.boolean(),
      inHandshake: fc.boolean(),
    })
    .map(({ sid, kind, count, format, compress, inHandshake }) => {
      // Floods stay small enough for many to run at once: each is refused within its own budget.
      const items = kind === "declared" ? count : Math.min(count, 300_000);
      const value =
        sid === JSON_ID
          ? Buffer.from(kind === "declared" ? "7".repeat(5_000) : `[${(kind === "arrays" ? "[]," : "{},").repeat(items)}0]`)
          : costlyBytes(kind, items, format);
      let payload =
        sid === JSON_ID
          ? Buffer.concat([
              Buffer.from(
                inHandshake
                  ? `{"object":"${target.objectId}","handshake":`
                  : `{"object":"${target.objectId}","method":"${target.methods[0]}","kwargs":{},"params":[`,
              ),
              value,
              Buffer.from(inHandshake ? "}" : "]}"),
            ])
          : inHandshake
            ? Buffer.concat([Buffer.from([0x82]), mp("object"), mp(target.objectId), mp("handshake"), value])
            : Buffer.concat([Buffer.from([0x94]), mp(target.objectId), mp(target.methods[0]!), Buffer.from([0x91]), value, Buffer.from([0x80])]);
      if (compress) payload = deflateSync(payload);
      const flags = (inHandshake ? F.META : 0) | (compress ? F.COMPRESSED : 0);
      const frames = inHandshake ? [frame(T.CONNECT, flags, 0, sid, payload)] : [connectFrame(sid, target.objectId), frame(T.INVOKE, flags, 1, sid, payload)];
      const label = `costly ${kind} ×${items}${kind === "declared" ? ` (format ${format})` : ""} ${compress ? "compressed " : ""}${inHandshake ? "handshake" : "argument"} s${sid}`;
      return wireCase(label, [Buffer.concat(frames.map(buildFrame))]);
    });
}

/**
 * A zlib bomb: a small compressed payload that inflates to one call carrying `inflated` zero
 * bytes. Deflated in 1 MiB steps, so building it costs this process little memory.
 */
export async function bombCase(target: TargetShape, inflated: number): Promise<WireCase> {
  const prefix = Buffer.concat([Buffer.from([0x94]), mp(target.objectId), mp("echo"), Buffer.from([0x91, 0xc6]), Buffer.alloc(4)]);
  prefix.writeUInt32BE(inflated, prefix.length - 4);
  const deflate = createDeflate({ level: 9 });
  const output: Buffer[] = [];
  deflate.on("data", (chunk: Buffer) => output.push(chunk));
  const done = new Promise((resolve, reject) => deflate.on("end", resolve).on("error", reject));
  const zeros = Buffer.alloc(2 ** 20);
  deflate.write(prefix);
  for (let left = inflated; left > 0; left -= zeros.length) {
    if (!deflate.write(zeros.subarray(0, Math.min(zeros.length, left)))) await new Promise((resolve) => deflate.once("drain", resolve));
  }
  deflate.end(mp(new MpMap([])));
  await done;
  const payload = Buffer.concat(output);
  return wireCase(`zlib bomb ${payload.length} → ${inflated} bytes`, [
    Buffer.concat([connectFrame(MSGPACK_ID, target.objectId), frame(T.INVOKE, F.COMPRESSED, 1, MSGPACK_ID, payload)].map(buildFrame)),
  ]);
}

/** A PING after a valid handshake (kept in corpora: no proxy sends one by itself). */
export function pingStream(serializerId: number, objectId: string): FrameSpec[] {
  return [connectFrame(serializerId, objectId), frame(T.PING, 0, 7, serializerId, Buffer.from("ping"))];
}

// ---- name server abuse ----

/** Patterns that backtrack for seconds on a name like `aaaa…a!`, and merely hostile ones. */
const slowRegex = fc.constantFrom("(a+)+$", "(a|aa)+$", "(a*)*b", "(.*a){12}$", "((a+)+)+c", "(a|a?)+$", "(?:a+)+(?:b+)+$", "(\\w+\\W?)+$");
const hostileRegex = fc.oneof(
  { weight: 3, arbitrary: slowRegex },
  fc.string({ maxLength: 40 }),
  fc.constantFrom("a".repeat(1001), "(".repeat(500), "[".repeat(300) + "a", "(?P<x>a)(?P=x)".repeat(50), "\\"),
);
/** A list of `count` distinct tags, built without drawing each one. */
const tagList = (min: number, max: number) =>
  fc
    .tuple(fc.integer({ min, max }), fc.integer({ min: 1, max: 300 }))
    .map(([count, length]) => Array.from({ length: count }, (_, i) => `t${i}-${"x".repeat(length)}`) as Hostile[]);
const longText = fc.integer({ min: 513, max: 200_000 }).map((n) => "n".repeat(n));
const abuseName = fc.nat({ max: 99 }).map((i) => `fuzz.abuse.${i}`);

/** A name server call that tries to stall it, fill it, or make it answer hugely. */
const abuseCall: fc.Arbitrary<{ method: string; args: Hostile[]; kwargs: MpMap; repeat: number }> = fc.oneof(
  hostileRegex.chain((regex) =>
    fc.record({
      method: fc.constant("list"),
      args: fc.constant([] as Hostile[]),
      kwargs: fc.constant(new MpMap([["regex", regex]])),
      repeat: fc.integer({ min: 1, max: 20 }),
    }),
  ),
  // Only patterns that match nothing but runs of "a": the fuzz suite's own names must survive.
  fc
    .constantFrom("(a+)+$", "(a|aa)+$", "((a+)+)+c", "(a|a?)+$")
    .map((regex) => ({ method: "remove", args: [] as Hostile[], kwargs: new MpMap([["regex", regex]]), repeat: 1 })),
  fc
    .tuple(fc.constantFrom("metadata_all", "metadata_any"), tagList(1, 50_000))
    .map(([key, tags]) => ({ method: "list", args: [] as Hostile[], kwargs: new MpMap([[key, tags]]), repeat: 1 })),
  fc
    .tuple(fc.constantFrom("meta_all", "meta_any"), tagList(1, 50_000))
    .map(([key, tags]) => ({ method: "yplookup", args: [] as Hostile[], kwargs: new MpMap([[key, tags]]), repeat: 1 })),
  fc
    .tuple(
      fc.oneof(longText, abuseName),
      fc.oneof(
        fc.constant("PYRO:x@127.0.0.1:1"),
        longText.map((t) => `PYRO:${t}@127.0.0.1:1`),
      ),
      tagList(0, 5_000),
    )
    .map(([name, uri, tags]) => ({ method: "register", args: [name, uri] as Hostile[], kwargs: new MpMap([["metadata", tags]]), repeat: 1 })),
  fc.tuple(abuseName, tagList(0, 5_000)).map(([name, tags]) => ({ method: "set_metadata", args: [name, tags] as Hostile[], kwargs: new MpMap([]), repeat: 1 })),
  fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 50 })).map(([withMetadata, repeat]) => ({
    method: "list",
    args: [] as Hostile[],
    kwargs: new MpMap([["return_metadata", withMetadata]]),
    repeat,
  })),
  longText.map((name) => ({ method: "lookup", args: [name] as Hostile[], kwargs: new MpMap([]), repeat: 1 })),
  // Long polls (`watch`): hostile filters, versions and timeouts, and more waiting at once than a
  // connection may have; the waits end when the connection does.
  fc
    .tuple(
      fc.oneof(fc.constant(null), fc.constant("fuzz."), fc.string({ maxLength: 20 }), longText),
      fc.constantFrom<Hostile>(null, "x", "A".repeat(100_000), 7, [1, 2], Buffer.from("v"), true),
      fc.constantFrom<Hostile>(0, 0.01, 0.2, 60, 1e12, -1, Number.NaN, Number.POSITIVE_INFINITY, "1", null, [5]),
      fc.option(tagList(1, 2_000), { freq: 3 }),
      fc.integer({ min: 1, max: 12 }),
    )
    .map(([prefix, since, timeout, tags, repeat]) => ({
      method: "watch",
      args: [] as Hostile[],
      kwargs: new MpMap(
        tags === null
          ? [
              ["prefix", prefix],
              ["since", since],
              ["timeout", timeout],
            ]
          : [
              ["metadata_all", tags],
              ["since", since],
              ["timeout", timeout],
            ],
      ),
      repeat,
    })),
);

/**
 * After a valid handshake, name server calls meant to stall it for others, fill it, or make it
 * answer hugely: catastrophic regexes (pipelined), huge tag queries, oversized names, URIs and
 * tag sets, floods of full listings, floods of long polls. Aimed at `Pyro.NameServer`.
 */
export const nameServerAbuseCase: fc.Arbitrary<WireCase> = fc
  .record({ sid: fc.constantFrom(JSON_ID, MSGPACK_ID), calls: fc.array(abuseCall, { minLength: 1, maxLength: 3 }), cutAt: cuts })
  .map(({ sid, calls, cutAt }) => {
    const frames = [connectFrame(sid, "Pyro.NameServer")];
    let seq = 1;
    for (const call of calls) {
      const payload = callPayload(sid, "Pyro.NameServer", call.method, call.args, call.kwargs);
      for (let i = 0; i < call.repeat; i++) frames.push(frame(T.INVOKE, 0, seq++, sid, payload));
    }
    const label = `name server abuse s${sid}: ${calls.map((c) => `${c.method}×${c.repeat}`).join(" ")}`;
    return toCase(label, Buffer.concat(frames.map(buildFrame)), cutAt);
  });

// ---- floods and slow peers ----

/** Calls a well-behaved proxy might send, and a few it would not. */
function someCall(target: TargetShape, sid: number, i: number, pick: number): FrameSpec {
  const calls: [number, Hostile, Hostile, Hostile][] = [
    [0, target.objectId, "echo", [i]],
    [0, target.objectId, "add", [i, 1]],
    [0, target.objectId, "count", [3]],
    [0, target.objectId, "__getattr__", ["region"]],
    [F.ONEWAY, target.objectId, "note", [0]],
    [0, "Pyro.Daemon", "get_next_stream_item", ["00000000-0000-0000-0000-000000000000"]],
    [0, target.objectId, "_private", []],
    [0, "nobody", "echo", [i]],
  ];
  const [flag, objectId, method, args] = calls[pick % calls.length]!;
  return frame(T.INVOKE, flag, (i + 1) & 0xffff, sid, callPayload(sid, objectId, method, args, method === "__getattr__" ? null : new MpMap([])));
}

/**
 * After a valid handshake, many requests in one write (more than the request window, some
 * oneway, some refused), perhaps cut short: every one must get a valid answer or none at all.
 */
export function pipelinedCase(target: TargetShape): fc.Arbitrary<WireCase> {
  return fc
    .record({
      sid: fc.constantFrom(JSON_ID, MSGPACK_ID),
      picks: fc.array(fc.nat(), { minLength: 20, maxLength: 400 }),
      truncate: fc.option(fc.nat(), { freq: 4 }),
      cutAt: cuts,
    })
    .map(({ sid, picks, truncate, cutAt }) => {
      let data: Buffer = Buffer.concat([connectFrame(sid, target.objectId), ...picks.map((pick, i) => someCall(target, sid, i, pick))].map(buildFrame));
      if (truncate !== null) data = data.subarray(0, truncate % (data.length + 1));
      return toCase(`pipelined ${picks.length} calls s${sid}${truncate !== null ? " (cut short)" : ""}`, data, cutAt);
    });
}

/**
 * A valid or mutated stream delivered a few bytes at a time with pauses between them: reassembly
 * across many tiny chunks, and a daemon that waits without holding more than what arrived.
 */
export function trickledCase(corpus: readonly FrameSpec[][]): fc.Arbitrary<WireCase> {
  return fc
    .record({
      base: fc.oneof(
        { weight: 3, arbitrary: fc.nat({ max: corpus.length - 1 }).map((i) => Buffer.concat(corpus[i]!.map(buildFrame))) },
        mutatedCase(corpus).map((c) => Buffer.concat(c.chunks)),
      ),
      size: fc.integer({ min: 1, max: 7 }),
      gapMs: fc.integer({ min: 0, max: 3 }),
      limit: fc.integer({ min: 40, max: 120 }),
    })
    .map(({ base, size, gapMs, limit }) => {
      const chunks: Buffer[] = [];
      for (let at = 0; at < base.length && chunks.length < limit; at += size) chunks.push(base.subarray(at, at + size));
      return { ...wireCase(`trickled ${chunks.length} × ${size} bytes, ${gapMs} ms apart`, chunks), gapMs };
    });
}

/**
 * Batches of every size around the daemon's limit (`maxBatchCalls`), of calls good and bad,
 * sometimes compressed (a small payload for a big batch), sometimes oneway.
 */
export function batchCase(target: TargetShape, maxBatchCalls: number): fc.Arbitrary<WireCase> {
  return fc
    .record({
      sid: fc.constantFrom(JSON_ID, MSGPACK_ID),
      size: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constantFrom(maxBatchCalls - 1, maxBatchCalls, maxBatchCalls + 1, maxBatchCalls * 5)),
      method: fc.constantFrom<Hostile>("echo", "add", "count", "note", "_private", "__getattr__", "<batch>"),
      hostile: fc.option(hostileValue, { freq: 4 }),
      compressed: fc.boolean(),
      oneway: fc.boolean(),
    })
    .map(({ sid, size: wanted, method, hostile, compressed, oneway }) => {
      const one: Hostile = hostile ?? [method, [1, 2], new MpMap([])];
      // Hostile values can be large: many of them would test this process's memory, not the daemon's.
      const size = hostile !== null ? Math.min(wanted, 30) : wanted;
      let payload = callPayload(sid, target.objectId, "<batch>", Array<Hostile>(size).fill(one), null);
      if (compressed) payload = deflateSync(payload);
      const flagBits = F.BATCH | (compressed ? F.COMPRESSED : 0) | (oneway ? F.ONEWAY : 0);
      const frames = [
        connectFrame(sid, target.objectId),
        frame(T.INVOKE, flagBits, 1, sid, payload),
        frame(T.INVOKE, 0, 2, sid, callPayload(sid, target.objectId, "add", [1, 2], new MpMap([]))),
      ];
      return wireCase(
        `batch of ${size} ${typeof method === "string" ? method : "?"}${hostile !== null ? " (hostile)" : ""} s${sid}${compressed ? " compressed" : ""}${oneway ? " oneway" : ""}`,
        [Buffer.concat(frames.map(buildFrame))],
      );
    });
}

/** Batch sizes a hostile client may ask `get_next_stream_items` for: valid, out of range, not integers, not numbers. */
const hostileBatchSize: fc.Arbitrary<Hostile> = fc.oneof(
  fc.integer({ min: 1, max: 256 }),
  fc.constantFrom<Hostile>(0, -1, 257, 2 ** 31, 2 ** 53, 1e300, 1.5, Number.NaN, Infinity, "8", null, true),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
  hostileValue,
);

/**
 * Remote iterators opened and never finished, around the per-connection limit, mixed with pulls
 * (one item, or a batch of a hostile size) and closes of made-up stream ids.
 */
export function streamFloodCase(target: TargetShape, maxIterStreams: number): fc.Arbitrary<WireCase> {
  return fc
    .record({
      sid: fc.constantFrom(JSON_ID, MSGPACK_ID),
      opens: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: maxIterStreams - 2, max: maxIterStreams + 20 })),
      strays: fc.array(fc.oneof(fc.uuid(), fc.string({ maxLength: 40 })), { maxLength: 5 }),
      batches: fc.array(fc.tuple(fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), hostileValue), hostileBatchSize, fc.option(hostileBatchSize)), {
        maxLength: 5,
      }),
    })
    .map(({ sid, opens, strays, batches }) => {
      const frames = [connectFrame(sid, target.objectId)];
      let seq = 1;
      for (let i = 0; i < opens; i++) frames.push(frame(T.INVOKE, 0, seq++, sid, callPayload(sid, target.objectId, "count", [1_000_000_000], new MpMap([]))));
      for (const id of strays) {
        frames.push(frame(T.INVOKE, 0, seq++, sid, callPayload(sid, "Pyro.Daemon", "get_next_stream_item", [id], new MpMap([]))));
        frames.push(frame(T.INVOKE, F.ONEWAY, seq++, sid, callPayload(sid, "Pyro.Daemon", "close_stream", [id], new MpMap([]))));
      }
      for (const [id, max, size] of batches) {
        const args = size === null ? [id, max] : [id, max, size];
        frames.push(frame(T.INVOKE, 0, seq++, sid, callPayload(sid, "Pyro.Daemon", "get_next_stream_items", args, new MpMap([]))));
      }
      return wireCase(`stream flood: ${opens} iterators, ${strays.length} stray ids, ${batches.length} batch pulls s${sid}`, [
        Buffer.concat(frames.map(buildFrame)),
      ]);
    });
}
