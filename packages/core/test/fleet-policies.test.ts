/**
 * The fleet policies on their own, with a fake clock and fixed random numbers: circuit breaker,
 * failure classification and retry rules, backoff, deadlines, strategies, consistent hashing and
 * shard keys.
 */
import { expect } from "chai";
import {
  CircuitBreaker,
  ConnectionClosedError,
  DaemonError,
  Deadline,
  HashRing,
  PyroError,
  RemoteError,
  TimeoutError,
  backoffMs,
  classifyFailure,
  isWorkerFault,
  makeStrategy,
  markFromReply,
  markNotSent,
  mayRetry,
  shardKeyOf,
  type Candidate,
  type CandidateSet,
  CommunicationError,
  DRAIN_CONNECT_REFUSAL,
  metadataFrom,
} from "@pyrots/core/internal";
import { FakeClock, fixedRandom } from "./fake-clock.js";

const breakerOptions = { failures: 3, cooldown: 1, maxCooldown: 4 };

describe("fleet: circuit breaker", () => {
  it("opens after N failures in a row; a success in between starts the count again", () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker(breakerOptions, clock);
    breaker.failed();
    breaker.failed();
    breaker.succeeded();
    breaker.failed();
    breaker.failed();
    expect(breaker.state).to.equal("closed");
    breaker.failed();
    expect(breaker.state).to.equal("open");
    expect(breaker.admits).to.equal(false);
    expect(breaker.trips).to.equal(1);
  });

  it("trips on timeouts reported as failures (a breaker that never hears of timeouts never trips: moleculer#1202)", () => {
    const breaker = new CircuitBreaker(breakerOptions, new FakeClock());
    for (let i = 0; i < 3; i++) {
      const kind = classifyFailure(new TimeoutError("call work timed out after 1 s"));
      expect(isWorkerFault(kind)).to.equal(true);
      breaker.failed();
    }
    expect(breaker.state).to.equal("open");
  });

  it("becomes half-open after the cooldown; exactly one probe may run; success closes it", async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker(breakerOptions, clock);
    for (let i = 0; i < 3; i++) breaker.failed();
    expect(breaker.claimProbe()).to.equal(false);
    expect(breaker.msUntilProbe()).to.equal(1000);
    await clock.advance(999);
    expect(breaker.state).to.equal("open");
    await clock.advance(1);
    expect(breaker.state).to.equal("half-open");
    expect(breaker.admits).to.equal(false);
    expect(breaker.claimProbe()).to.equal(true);
    expect(breaker.claimProbe()).to.equal(false);
    breaker.probeSucceeded();
    expect(breaker.state).to.equal("closed");
    expect(breaker.admits).to.equal(true);
  });

  it("a failed probe opens it again for twice as long, up to maxCooldown", async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker(breakerOptions, clock);
    for (let i = 0; i < 3; i++) breaker.failed();
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      waits.push(breaker.msUntilProbe());
      await clock.advance(breaker.msUntilProbe());
      expect(breaker.claimProbe()).to.equal(true);
      breaker.probeFailed();
    }
    expect(waits).to.deep.equal([1000, 2000, 4000, 4000]);
    expect(breaker.trips).to.equal(1);
  });

  it("ignores failures reported while open (calls that were in flight when it tripped)", async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker(breakerOptions, clock);
    for (let i = 0; i < 3; i++) breaker.failed();
    await clock.advance(500);
    for (let i = 0; i < 10; i++) breaker.failed();
    expect(breaker.msUntilProbe()).to.equal(500);
  });
});

describe("fleet: failure kinds and retry rules", () => {
  const cases: [string, Error, string, boolean, boolean][] = [
    // description, error, kind, retried if not idempotent, retried if idempotent
    ["never sent (connect refused)", markNotSent(new CommunicationError("connect ECONNREFUSED")), "not-sent", true, true],
    ["refused unrun by a draining daemon (DRAN)", markNotSent(markFromReply(new DaemonError("daemon is draining"))), "draining", true, true],
    [
      "a draining daemon's handshake refusal",
      markNotSent(new CommunicationError(`connection to X rejected: ${DRAIN_CONNECT_REFUSAL}`)),
      "draining",
      true,
      true,
    ],
    ["connection lost with the call in flight", new ConnectionClosedError("connection closed"), "lost", false, true],
    ["no answer in time", new TimeoutError("call timed out"), "timeout", false, true],
    [
      "the worker's own exception",
      markFromReply(new RemoteError({ type: "builtins.ValueError", args: ["x"], attributes: {}, traceback: [] })),
      "remote",
      false,
      false,
    ],
    ["a CommunicationError the worker's code raised", markFromReply(new ConnectionClosedError("its own proxy failed")), "remote", false, false],
    ["a local error", new PyroError("cannot encode"), "local", false, false],
  ];
  for (const [what, error, kind, plain, idempotent] of cases) {
    it(`${what}: ${kind}, retried ${plain ? "always" : idempotent ? "only if idempotent" : "never"}`, () => {
      const found = classifyFailure(error);
      expect(found).to.equal(kind);
      expect(mayRetry(found, false)).to.equal(plain);
      expect(mayRetry(found, true)).to.equal(idempotent);
    });
  }

  it("only not-sent, lost and timed-out calls count against a worker", () => {
    expect(["not-sent", "lost", "timeout", "draining", "remote", "local"].map((k) => isWorkerFault(k as never))).to.deep.equal([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it("backoff: full jitter under a ceiling that doubles per retry, capped", () => {
    const options = { attempts: 5, backoff: 0.025, maxBackoff: 0.1 };
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, options, () => 0.999999))).to.deep.equal([1, 2, 4, 4, 4].map((f) => 25 * f * 0.999999));
    expect(backoffMs(3, options, () => 0)).to.equal(0);
    expect(backoffMs(2, options, () => 0.5)).to.equal(25);
  });
});

describe("fleet: deadlines", () => {
  it("counts down on the clock; attempts get what is left, or their cap if sooner", async () => {
    const clock = new FakeClock();
    const deadline = Deadline.after(clock, 2);
    expect(deadline.remainingMs()).to.equal(2000);
    expect(deadline.attemptSeconds(undefined)).to.equal(2);
    expect(deadline.attemptSeconds(0.5)).to.equal(0.5);
    await clock.advance(1800);
    expect(deadline.attemptSeconds(0.5)).to.be.closeTo(0.2, 1e-9);
    expect(deadline.expired).to.equal(false);
    await clock.advance(200);
    expect(deadline.expired).to.equal(true);
    expect(deadline.remainingMs()).to.equal(0);
  });

  it("no deadline for 0 or none: unbounded, and attempts then take their cap or none", () => {
    const deadline = Deadline.after(new FakeClock(), 0);
    expect(deadline.unbounded).to.equal(true);
    expect(deadline.attemptSeconds(undefined)).to.equal(0);
    expect(deadline.attemptSeconds(3)).to.equal(3);
  });
});

/** Candidates for strategy tests. */
function candidates(list: Candidate[]): CandidateSet {
  const byName = new Map(list.map((c) => [c.name, c]));
  return { list, has: (name) => byName.has(name), get: (name) => byName.get(name) };
}

const worker = (name: string, inFlight = 0, latencyMs?: number): Candidate => ({ name, inFlight, latencyMs });

describe("fleet: strategies", () => {
  it("round-robin: 9 calls over 3 workers land 3/3/3, in turn", () => {
    const strategy = makeStrategy("round-robin", Math.random);
    const set = candidates([worker("a"), worker("b"), worker("c")]);
    const picks = Array.from({ length: 9 }, () => strategy.pick(set, undefined)!.name);
    expect(picks.join("")).to.equal("abcabcabc");
  });

  it("random: uniform over the candidates (fixed random numbers)", () => {
    const strategy = makeStrategy("random", fixedRandom([0, 0.34, 0.67, 0.99]));
    const set = candidates([worker("a"), worker("b"), worker("c")]);
    expect(Array.from({ length: 4 }, () => strategy.pick(set, undefined)!.name).join("")).to.equal("abcc");
  });

  it("least-in-flight: the least busy worker; equals take turns", () => {
    const strategy = makeStrategy("least-in-flight", Math.random);
    expect(strategy.pick(candidates([worker("a", 3), worker("b", 1), worker("c", 2)]), undefined)!.name).to.equal("b");
    const idle = candidates([worker("a"), worker("b"), worker("c")]);
    expect(Array.from({ length: 6 }, () => strategy.pick(idle, undefined)!.name).join("")).to.equal("bcabca");
  });

  it("latency: unmeasured workers first, then the lowest latency × (in flight + 1)", () => {
    const strategy = makeStrategy("latency", Math.random);
    expect(strategy.pick(candidates([worker("a", 0, 5), worker("b", 0, undefined), worker("c", 0, 1)]), undefined)!.name).to.equal("b");
    expect(strategy.pick(candidates([worker("a", 0, 5), worker("b", 0, 1), worker("c", 0, 3)]), undefined)!.name).to.equal("b");
    // b is fast but busy: 1 ms × 9 loses to 3 ms × 1.
    expect(strategy.pick(candidates([worker("a", 0, 5), worker("b", 8, 1), worker("c", 0, 3)]), undefined)!.name).to.equal("c");
  });

  it("shard: one key, one worker; the owner's substitute is the same in every client; keyless calls go round", () => {
    const make = () => {
      const s = makeStrategy("shard", Math.random);
      s.membersChanged(["a", "b", "c"]);
      return s;
    };
    const [one, two] = [make(), make()];
    const all = candidates([worker("a"), worker("b"), worker("c")]);
    for (let i = 0; i < 50; i++) {
      const key = `user-${i}`;
      const owner = one.pick(all, key)!.name;
      expect(one.pick(all, key)!.name).to.equal(owner);
      expect(two.pick(all, key)!.name).to.equal(owner);
      const without = candidates([worker("a"), worker("b"), worker("c")].filter((w) => w.name !== owner));
      expect(one.pick(without, key)!.name).to.equal(two.pick(without, key)!.name).and.not.equal(owner);
    }
    expect(Array.from({ length: 3 }, () => one.pick(all, undefined)!.name).join("")).to.equal("abc");
  });

  it("every strategy answers undefined for no candidates", () => {
    for (const name of ["round-robin", "random", "least-in-flight", "latency", "shard"] as const) {
      expect(makeStrategy(name, Math.random).pick(candidates([]), "k")).to.equal(undefined);
    }
  });
});

describe("fleet: consistent hashing", () => {
  const keys = Array.from({ length: 30_000 }, (_, i) => `key:${i}`);
  const owners = (ring: HashRing) => new Map(keys.map((k) => [k, ring.owner(k)!]));
  const shares = (assignment: Map<string, string>) => {
    const counts = new Map<string, number>();
    for (const member of assignment.values()) counts.set(member, (counts.get(member) ?? 0) + 1);
    return counts;
  };

  it("spreads keys evenly: each of 3 members owns its third within 10%", () => {
    const ring = new HashRing();
    ring.setMembers(["worker.1", "worker.2", "worker.3"]);
    for (const count of shares(owners(ring)).values()) expect(count).to.be.within(9000, 11000);
  });

  it("losing a member moves only its keys; the others keep all of theirs", () => {
    const ring = new HashRing();
    ring.setMembers(["worker.1", "worker.2", "worker.3", "worker.4"]);
    const before = owners(ring);
    ring.setMembers(["worker.1", "worker.3", "worker.4"]);
    const after = owners(ring);
    let moved = 0;
    for (const key of keys) {
      if (before.get(key) === "worker.2") {
        moved++;
        expect(after.get(key)).to.not.equal("worker.2");
      } else {
        expect(after.get(key)).to.equal(before.get(key));
      }
    }
    expect(moved).to.be.within(6000, 9000);
  });

  it("a joining member takes keys only from the others, about 1/(n+1) of them", () => {
    const ring = new HashRing();
    ring.setMembers(["a", "b", "c"]);
    const before = owners(ring);
    ring.setMembers(["a", "b", "c", "d"]);
    const after = owners(ring);
    let moved = 0;
    for (const key of keys) {
      if (after.get(key) !== before.get(key)) {
        moved++;
        expect(after.get(key)).to.equal("d");
      }
    }
    expect(moved).to.be.within(6000, 9000);
  });

  it("an unavailable owner's keys go to the next member clockwise, the same one for each key every time", () => {
    const ring = new HashRing();
    ring.setMembers(["a", "b", "c"]);
    const reduced = new HashRing();
    reduced.setMembers(["a", "c"]);
    for (const key of keys.slice(0, 2000)) expect(ring.owner(key, (m) => m !== "b")).to.equal(reduced.owner(key));
    expect(ring.owner("x", () => false)).to.equal(undefined);
  });
});

describe("fleet: shard keys", () => {
  it("by argument position, keyword, a plain first argument's property, or a function", () => {
    expect(shardKeyOf(1, "m", ["a", "b"], null)).to.equal("b");
    expect(shardKeyOf("user", "m", [], { user: "u1" })).to.equal("u1");
    expect(shardKeyOf("user", "m", [{ user: 7 }], null)).to.equal("7");
    expect(shardKeyOf((method, args) => `${method}:${String(args[0])}`, "get", ["k"], null)).to.equal("get:k");
    expect(shardKeyOf(0, "m", [Buffer.from([1, 255])], null)).to.equal("01ff");
    expect(shardKeyOf(0, "m", [12n], null)).to.equal("12");
  });

  it("none for missing or null keys; a TypeError for keys that are not text, numbers or bytes", () => {
    expect(shardKeyOf(3, "m", ["a"], null)).to.equal(undefined);
    expect(shardKeyOf("user", "m", [new Map([["user", "x"]])], null)).to.equal(undefined);
    expect(shardKeyOf(0, "m", [null], null)).to.equal(undefined);
    expect(() => shardKeyOf(0, "m", [{ a: 1 }], null)).to.throw(TypeError, /shard key must be/);
    expect(() => shardKeyOf(0, "m", [[1, 2]], null)).to.throw(TypeError, /an array/);
  });
});

describe("fleet: what a handshake's metadata says (from the wire)", () => {
  it("reads idempotent methods and the instance mode; ignores anything else a peer sends there", () => {
    const meta = metadataFrom({ methods: ["a", "b"], oneway: [], attrs: [], idempotent: ["a", 7, null], instance_mode: "session" });
    expect([...meta.idempotent]).to.deep.equal(["a"]);
    expect(meta.instanceMode).to.equal("session");
    expect(metadataFrom({ methods: [], instance_mode: "__proto__" }).instanceMode).to.equal(undefined);
    expect(metadataFrom(undefined).idempotent.size).to.equal(0);
    const hostile: unknown[] = [
      null,
      7,
      "session ",
      ["x", { a: 1 }, [2]],
      { length: 3 },
      new Map([["a", 1]]),
      Buffer.from("single"),
      Object.create(null),
      -0,
      2n,
    ];
    for (const idempotent of hostile) {
      for (const mode of hostile) {
        const parsed = metadataFrom({ methods: ["m"], idempotent, instance_mode: mode });
        expect([...parsed.idempotent].every((name) => typeof name === "string")).to.equal(true);
        expect(parsed.instanceMode).to.equal(undefined);
      }
    }
  });
});
