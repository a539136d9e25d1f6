/**
 * A connection's calls in flight (proxy/calls-in-flight.ts): sequence numbers never shared by two
 * calls in flight, replies matched whatever their order, slots that grow and numbers that wrap
 * around 65,535 while calls given up on keep theirs.
 */
import { expect } from "chai";
import { CallsInFlight, PendingCall } from "@pyrots/core/internal";

const newCall = (name = "m") => new PendingCall(Buffer.alloc(24), false, name);

/** A deterministic shuffle (xorshift). */
function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("calls in flight on one connection", () => {
  it("matches 3,000 replies in any order to their calls, growing its slots as calls pile up", () => {
    const calls = new CallsInFlight();
    calls.window = 0xffff;
    const sent = Array.from({ length: 3000 }, () => newCall());
    const seqs = sent.map((call) => calls.addSent(call));
    expect(new Set(seqs).size).to.equal(3000);
    expect(calls.load).to.equal(3000);
    for (const i of shuffled([...sent.keys()], 7)) {
      expect(calls.takeAnswered(seqs[i]!)).to.equal(sent[i]);
      expect(calls.takeAnswered(seqs[i]!), "a second reply with the same number").to.equal(undefined);
    }
    expect(calls.load).to.equal(0);
    expect(calls.busy).to.equal(false);
  });

  it("never gives a number in use while numbers wrap around, calls given up on keeping theirs", () => {
    const calls = new CallsInFlight();
    calls.window = 0xffff;
    const abandoned = Array.from({ length: 40 }, () => newCall("slow"));
    for (const call of abandoned) {
      calls.addSent(call);
      // As a timeout does: the caller's promise fails, the call stays in flight.
      call.promise().catch(() => undefined);
      call.fail(new Error("timed out"));
      expect(calls.abandon(call)).to.equal("sent");
    }
    const inFlight = new Map<number, PendingCall>(abandoned.map((call) => [call.seq, call]));
    const window: PendingCall[] = [];
    // 100,000 calls, 64 at a time: the numbers wrap around once and pass the old calls' numbers.
    for (let i = 0; i < 100_000; i++) {
      const call = newCall();
      const seq = calls.addSent(call);
      expect(inFlight.has(seq), `number ${seq} given twice`).to.equal(false);
      inFlight.set(seq, call);
      window.push(call);
      if (window.length === 64) {
        const oldest = window.shift()!;
        expect(calls.takeAnswered(oldest.seq)).to.equal(oldest);
        inFlight.delete(oldest.seq);
      }
    }
    expect(calls.busy).to.equal(true);
    for (const call of window) calls.takeAnswered(call.seq);
    expect(calls.busy, "only calls given up on remain").to.equal(false);
    expect(calls.onlyAbandoned).to.equal(true);
    // Their late answers still find them.
    for (const call of abandoned) expect(calls.takeAnswered(call.seq)).to.equal(call);
    expect(calls.load).to.equal(0);
  });

  it("queues calls beyond the window and hands back everything in order when drained", () => {
    const calls = new CallsInFlight();
    calls.window = 2;
    const sent = [newCall("a"), newCall("b")];
    for (const call of sent) calls.addSent(call);
    expect(calls.hasRoom).to.equal(false);
    const queued = [newCall("c"), newCall("d")];
    for (const call of queued) calls.queue(call);
    expect(calls.abandon(queued[0]!)).to.equal("queued");
    expect(calls.abandon(newCall("never sent"))).to.equal("unknown");
    expect(calls.load).to.equal(3);
    const drained = calls.drain();
    expect(drained.sent.map((call) => call.method)).to.deep.equal(["a", "b"]);
    expect(drained.queued.map((call) => call.method)).to.deep.equal(["d"]);
    expect(calls.load).to.equal(0);
  });
});
