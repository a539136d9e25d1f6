import { expect } from "chai";
import fc from "fast-check";
import { TraceFlags, createTraceState } from "@opentelemetry/api";
import { MAX_TRACE_BYTES, decodeTraceContext, encodeTraceContext, parseTraceContext } from "@pyrots/observability";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_ID = "00f067aa0ba902b7";
const text = (value: string) => Buffer.from(value, "latin1");
const hexOf = (length: number) => fc.uint8Array({ minLength: length / 2, maxLength: length / 2 }).map((bytes) => Buffer.from(bytes).toString("hex"));

describe("trace context in the TRCE annotation", () => {
  it("encodes traceparent, then a newline and tracestate when there is one", () => {
    const context = { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED };
    expect(Buffer.from(encodeTraceContext(context)!).toString("latin1")).to.equal(`00-${TRACE_ID}-${SPAN_ID}-01`);
    const withState = { ...context, traceFlags: TraceFlags.NONE, traceState: createTraceState("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7") };
    expect(Buffer.from(encodeTraceContext(withState)!).toString("latin1")).to.equal(`00-${TRACE_ID}-${SPAN_ID}-00\ncongo=t61rcWkgMzE,rojo=00f067aa0ba902b7`);
    expect(encodeTraceContext({ traceId: "0".repeat(32), spanId: SPAN_ID, traceFlags: 1 }), "an invalid context is not passed on").to.equal(undefined);
  });

  it("decodes what it encodes, for any valid context", () => {
    fc.assert(
      fc.property(hexOf(32), hexOf(16), fc.boolean(), (traceId, spanId, sampled) => {
        fc.pre(!/^0+$/.test(traceId) && !/^0+$/.test(spanId));
        const context = { traceId, spanId, traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE };
        expect(decodeTraceContext(encodeTraceContext(context))).to.deep.equal({ ...context, isRemote: true });
      }),
    );
  });

  it("reads the W3C forms: a later version with more fields, flags other than sampled dropped, tracestate kept", () => {
    expect(parseTraceContext(`cc-${TRACE_ID}-${SPAN_ID}-01-what-the-future-holds`, undefined)).to.include({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: 1,
    });
    expect(parseTraceContext(`00-${TRACE_ID}-${SPAN_ID}-ff`, undefined)!.traceFlags).to.equal(1);
    expect(parseTraceContext(`00-${TRACE_ID}-${SPAN_ID}-02`, undefined)!.traceFlags).to.equal(0);
    const decoded = decodeTraceContext(text(`00-${TRACE_ID}-${SPAN_ID}-01\nrojo=00f067aa0ba902b7,congo=t61rcWkgMzE`))!;
    expect(decoded.traceState!.get("congo")).to.equal("t61rcWkgMzE");
    expect(decoded.isRemote).to.equal(true);
  });

  it("takes anything else for no trace context at all", () => {
    const invalid = [
      `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`,
      `00-${"0".repeat(32)}-${SPAN_ID}-01`,
      `00-${TRACE_ID}-${"0".repeat(16)}-01`,
      `ff-${TRACE_ID}-${SPAN_ID}-01`,
      `00-${TRACE_ID}-${SPAN_ID}-01-more`,
      `00-${TRACE_ID}-${SPAN_ID}-1`,
      `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`,
      `00_${TRACE_ID}_${SPAN_ID}_01`,
      ` 00-${TRACE_ID}-${SPAN_ID}-01`,
      "",
    ];
    for (const value of invalid) expect(decodeTraceContext(text(value)), JSON.stringify(value)).to.equal(undefined);
    expect(decodeTraceContext(text(`00-${TRACE_ID}-${SPAN_ID}-01\u0000`))).to.equal(undefined);
    expect(decodeTraceContext(text(`00-${TRACE_ID}-${SPAN_ID}-01\nk=v\u00e9`))).to.equal(undefined);
    expect(decodeTraceContext(Buffer.alloc(MAX_TRACE_BYTES + 1, "0"))).to.equal(undefined);
    expect(decodeTraceContext(undefined)).to.equal(undefined);
  });

  it("drops a tracestate over 512 characters, keeping the traceparent", () => {
    const decoded = decodeTraceContext(text(`00-${TRACE_ID}-${SPAN_ID}-01\nk=${"v".repeat(600)}`))!;
    expect(decoded.traceId).to.equal(TRACE_ID);
    expect(decoded.traceState).to.equal(undefined);
  });

  it("never throws, whatever the bytes (a view into a larger buffer included)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1200 }), fc.nat({ max: 8 }), (bytes, offset) => {
        const view = Buffer.concat([Buffer.alloc(offset, 0x41), Buffer.from(bytes)]).subarray(offset);
        const decoded = decodeTraceContext(view);
        if (decoded !== undefined) expect(decoded.traceId).to.match(/^[0-9a-f]{32}$/);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 600 }), (parent, state) => {
        parseTraceContext(`00-${TRACE_ID}-${SPAN_ID}-01${parent}`, state);
      }),
    );
  });
});
