/**
 * Abuse of pyrots' trace context annotation `TRCE` (see `@pyrots/observability`'s
 * trace-context.ts) at a daemon that traces: after a valid handshake, calls whose `TRCE` holds
 * hostile text — near-misses of the W3C `traceparent` (upper-case hex, zero ids, version ff, a
 * version 00 with more fields, wrong lengths), `tracestate`s of every size and shape, control
 * characters, high bytes, newlines, values up to the annotation limit, several `TRCE` chunks in
 * one message — on oneway and normal calls of existing and made-up methods. The connection's last
 * call must still be answered.
 */
import fc from "fast-check";
import { type FrameSpec, buildFrame } from "./frames.js";
import type { WireCase } from "./harness.js";
import { MpMap } from "./hostile.js";
import { type TargetShape, callPayload, connectFrame } from "./cases.js";

const INVOKE = 4;
const ONEWAY = 0x04;
const JSON_ID = 2;
const MSGPACK_ID = 6;
const TRCE = Buffer.from("TRCE", "latin1");

const hex = (length: number, upper = false) =>
  fc.array(fc.constantFrom(...(upper ? "0123456789ABCDEF" : "0123456789abcdef")), { minLength: length, maxLength: length }).map((digits) => digits.join(""));
const traceId = fc.oneof(hex(32), fc.constant("0".repeat(32)), hex(32, true), hex(31), hex(33));
const spanId = fc.oneof(hex(16), fc.constant("0".repeat(16)), hex(16, true), hex(15), hex(17));
const version = fc.oneof(fc.constant("00"), hex(2), fc.constant("ff"), fc.constant("FF"), fc.string({ maxLength: 3 }));
const flags = fc.oneof(hex(2), fc.constantFrom("00", "01", "ff", "1", "zz"));
const extra = fc.oneof(
  fc.constant(""),
  fc.string({ maxLength: 40 }).map((s) => `-${s}`),
  fc.constant("-"),
);
const traceparent = fc.tuple(version, traceId, spanId, flags, extra).map(([v, t, s, f, e]) => `${v}-${t}-${s}-${f}${e}`);
const stateMember = fc.tuple(fc.stringMatching(/^[a-z0-9_\-*/@]{1,20}$/), fc.string({ maxLength: 30 })).map(([key, value]) => `${key}=${value}`);
const tracestate = fc.oneof(
  fc.array(stateMember, { maxLength: 40 }).map((members) => members.join(",")),
  fc.string({ maxLength: 700 }),
  fc.constant(",".repeat(600)),
  fc.constant(`k=${"v".repeat(600)}`),
);
/** The text of a `TRCE` annotation, and raw byte abuse of it. */
const traceValue: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(traceparent, fc.option(tracestate)).map(([p, s]) => Buffer.from(s === null ? p : `${p}\n${s}`, "latin1")) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 65_535 }).map((n) => Buffer.alloc(n, "0")) },
  { weight: 1, arbitrary: traceparent.map((p) => Buffer.from(`${p}\n\n\n${p}\u0000\u00ff`, "latin1")) },
  { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
);

/** Calls with hostile `TRCE` annotations, then one well-formed call that must be answered. */
export function traceAnnotationCase(target: TargetShape): fc.Arbitrary<WireCase> {
  return fc
    .record({
      sid: fc.constantFrom(JSON_ID, MSGPACK_ID),
      calls: fc.array(
        fc.record({
          values: fc.array(traceValue, { minLength: 1, maxLength: 3 }),
          oneway: fc.boolean(),
          method: fc.oneof(fc.constantFrom(...target.methods), fc.string({ maxLength: 20 })),
        }),
        { minLength: 1, maxLength: 8 },
      ),
    })
    .map(({ sid, calls }) => {
      const frames: FrameSpec[] = [connectFrame(sid, target.objectId)];
      calls.forEach(({ values, oneway, method }, i) => {
        const args = method === "add" ? [1, 2] : method === "note" ? [0] : ["x"];
        frames.push({
          type: INVOKE,
          flags: oneway ? ONEWAY : 0,
          seq: i + 1,
          serializerId: sid,
          annotations: values.map((value) => [TRCE, value] as const),
          payload: callPayload(sid, target.objectId, method, args, new MpMap([])),
        });
      });
      frames.push({
        type: INVOKE,
        flags: 0,
        seq: calls.length + 1,
        serializerId: sid,
        annotations: [[TRCE, Buffer.from(`00-${"a".repeat(32)}-${"b".repeat(16)}-01`, "latin1")]],
        payload: callPayload(sid, target.objectId, "add", [2, 3], new MpMap([])),
      });
      const data = Buffer.concat(frames.map(buildFrame));
      return {
        label: `${calls.length} calls with hostile TRCE s${sid}`,
        chunks: [data],
        [fc.toStringMethod]: () => `${calls.length} calls with hostile TRCE s${sid} [${data.length} bytes]`,
      } as WireCase;
    });
}
