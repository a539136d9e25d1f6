/**
 * A connection's calls in flight (proxy/calls-in-flight.ts): sequence numbers never shared by two
 * calls in flight, replies matched whatever their order, slots that grow and numbers that wrap
 * around 65,535 while calls given up on keep theirs; the queue behind a full window (proxy/fifo.ts)
 * keeps its order through growth and calls given up on while queued.
 */
import { expect } from "chai";
import { CallsInFlight, Fifo, PendingCall } from "@pyrots/core/internal";

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

  it("sends 100,000 calls queued behind a window of one in order, skipping those given up on while queued", () => {
    const calls = new CallsInFlight();
    const all = Array.from({ length: 100_000 }, (_, i) => newCall(String(i)));
    calls.addSent(all[0]!);
    for (const call of all.slice(1)) calls.queue(call);
    const givenUp = new Set<PendingCall>();
    for (let i = 1; i < all.length; i += 7) {
      expect(calls.abandon(all[i]!)).to.equal("queued");
      expect(calls.abandon(all[i]!), "given up on twice").to.equal("unknown");
      givenUp.add(all[i]!);
    }
    expect(calls.load).to.equal(all.length - givenUp.size);
    const order: PendingCall[] = [all[0]!];
    for (let seq = all[0]!.seq; ; ) {
      expect(calls.takeAnswered(seq)).to.equal(order.at(-1));
      const next = calls.takeQueued();
      if (next === undefined) break;
      order.push(next);
      seq = calls.addSent(next);
    }
    expect(order).to.deep.equal(all.filter((call) => !givenUp.has(call)));
    expect(calls.load).to.equal(0);
    expect(calls.busy).to.equal(false);
    expect(calls.hasQueued).to.equal(false);
  });

  it("is not busy when every queued call was given up on, and drains none of them", () => {
    const calls = new CallsInFlight();
    const queued = [newCall("a"), newCall("b")];
    for (const call of queued) calls.queue(call);
    expect(calls.busy).to.equal(true);
    for (const call of queued) calls.abandon(call);
    expect(calls.busy).to.equal(false);
    expect(calls.hasQueued).to.equal(false);
    expect(calls.load).to.equal(0);
    expect(calls.drain().queued).to.deep.equal([]);
    expect(calls.takeQueued()).to.equal(undefined);
  });
});

describe("the first-in, first-out queue behind a full window", () => {
  it("agrees with an array on 20,000 random pushes and shifts across growth and wrap-around", () => {
    const fifo = new Fifo<number>();
    const model: number[] = [];
    let state = 12345;
    for (let i = 0; i < 20_000; i++) {
      state = (state * 1103515245 + 12345) >>> 0;
      // Pushes win slightly more often, so the ring grows while its front wraps around.
      if (state % 100 < 55) {
        fifo.push(i);
        model.push(i);
      } else {
        expect(fifo.shift()).to.equal(model.shift());
      }
      expect(fifo.length).to.equal(model.length);
    }
    expect(fifo.takeAll()).to.deep.equal(model);
    expect(fifo.length).to.equal(0);
    expect(fifo.shift()).to.equal(undefined);
  });
});
