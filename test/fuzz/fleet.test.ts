/**
 * Fuzzing fleets. The client side: a hostile "name server" answers a pool's membership calls
 * (`watch`, `list`) and a daemon's lease calls (`lease_grant`, `register`, `lease_keepalive`) with
 * random values — wrong shapes, wrong types, bogus and huge listings, URIs to nowhere. The pool and
 * the lease keeper must report and retry, never crash or leave an unhandled rejection, and work
 * again as soon as the name server answers sensibly. The daemon side: hostile traffic at a
 * draining daemon, whose refusals (handshakes refused, calls answered unrun with `DRAN`) must be
 * valid frames, after which it hangs up when the peer does and stays up.
 */
import net from "node:net";
import { expect } from "chai";
import fc from "fast-check";
import { Daemon, type LeaseEvent, NamingError, type PoolEvent, expose, pool, poolStats } from "@pyrots/core";
import { DaemonServer, daemonConfig, daemonSettings } from "@pyrots/core/internal";
import { settlesWithin } from "@pyrots/test-support";
import { handshakeCase, payloadCase, pipelinedCase, randomHeaderCase } from "./cases.js";
import { replyFrameLength, replyStreamProblem } from "./frames.js";
import { BATCH, FUZZ_SEED, SHARES, Tally, fuzzCases, runPool, runWireCase } from "./harness.js";
import { mixedProtocolCase, pyro5HandshakeCase, pyro5HeaderCase, pyro5PayloadCase } from "./pyro5-cases.js";

const ROUNDS = Math.max(20, Math.ceil(fuzzCases(3000) * 0.02));
/** Names the worker keeps registered at once (see the loop). */
const NAMES = 16;

/** What the hostile name server answers next, per method. */
const answers = new Map<string, unknown>();

/** An answer that is an exception raised by the name server, not a value. */
class Raise {
  constructor(readonly message: string) {}
}

const answer = (method: string, fallback: unknown) => {
  const value = answers.has(method) ? answers.get(method) : fallback;
  if (value instanceof Raise) throw new NamingError(value.message);
  return value;
};

@expose
class HostileNameServer {
  ping(): null {
    return null;
  }
  list(_prefix?: unknown, _regex?: unknown, _metadata_all?: unknown, _metadata_any?: unknown, _return_metadata?: unknown): unknown {
    return answer("list", {});
  }
  watch(_prefix?: unknown, _metadata_all?: unknown, _metadata_any?: unknown, _since?: unknown, timeout?: unknown): Promise<unknown> {
    // A short wait, as a real long poll would, so the client does not spin.
    const ms = typeof timeout === "number" && timeout > 0 ? 20 : 0;
    return new Promise((resolve) => setTimeout(() => resolve(answer("watch", { version: "v0", names: {} })), ms));
  }
  lease_grant(_ttl_seconds?: unknown): unknown {
    return answer("lease_grant", "lease-1");
  }
  lease_keepalive(_lease_id?: unknown): unknown {
    return answer("lease_keepalive", 2);
  }
  lease_revoke(_lease_id?: unknown): unknown {
    return answer("lease_revoke", true);
  }
  register(_name?: unknown, _uri?: unknown, _safe?: unknown, _metadata?: unknown, _lease?: unknown): unknown {
    return answer("register", null);
  }
  remove(_name?: unknown, _prefix?: unknown, _regex?: unknown): unknown {
    return answer("remove", 1);
  }
}

@expose
class Worker {
  work(id: number): number {
    return id;
  }
}

const DEAD = "PYRO:w@127.0.0.1:1";
const text = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("", DEAD, "PYRONAME:w.x", "PYROMETA:a", "PYRO:w@./u:/nonexistent", "not a uri"));
const entry = fc.oneof(fc.tuple(text, fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 })), fc.tuple(text), fc.anything({ maxDepth: 2 }));
const listing = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 12 }), entry, { maxKeys: 8 }),
  fc.integer({ min: 10_001, max: 12_000 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`w.${i}`, [DEAD, []]]))),
  fc.anything({ maxDepth: 2 }),
);
/** Errors a name server may raise, the keeper's cues among them. */
const raised = fc
  .constantFrom("unknown lease: x (it expired)", "name already registered: w.1", "this name server cannot vouch for its names", "name server busy: try later")
  .map((m) => new Raise(m));
const hostile = fc.record({
  watch: fc.oneof(
    fc.record({ version: fc.oneof(fc.string({ maxLength: 300 }), fc.anything({ maxDepth: 1 })), names: fc.oneof(listing, fc.constant(null)) }),
    fc.anything({ maxDepth: 2 }),
  ),
  list: listing,
  lease_grant: fc.oneof(fc.string({ maxLength: 300 }), fc.anything({ maxDepth: 1 }), raised),
  lease_keepalive: fc.oneof(fc.anything({ maxDepth: 1 }), raised),
  register: fc.oneof(fc.anything({ maxDepth: 1 }), raised),
});

describe("fuzzing the fleet client side (a hostile name server)", function () {
  // A round waits for the pool's 0.1 s call timeout at worst: the time grows with the rounds.
  this.timeout(60_000 + ROUNDS * 150);

  it(`pool membership and lease keeping survive ${ROUNDS} rounds of random answers, then work again`, async () => {
    const ns = await Daemon.create({ host: "127.0.0.1", port: 0, env: {} });
    ns.register(new HostileNameServer(), "Pyro.NameServer");
    const port = ns.port!;
    const poolEvents: PoolEvent[] = [];
    const leaseEvents: LeaseEvent[] = [];
    const fleet = pool<{ work(id: number): Promise<number> }>(`PYRONAME:w.@127.0.0.1:${port}`, {
      env: {},
      timeout: 0.1,
      watchWait: 0.05,
      onEvent: (e) => poolEvents.push(e),
    });
    const worker = await Daemon.create({ host: "127.0.0.1", port: 0, env: {}, nsDiscovery: [], onLeaseEvent: (event) => void leaseEvents.push(event) });
    const outcomes = new Map<string, number>();
    const count = (what: string) => outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
    try {
      const samples = fc.sample(hostile, { numRuns: ROUNDS, seed: FUZZ_SEED });
      for (const [i, sample] of samples.entries()) {
        for (const [method, value] of Object.entries(sample)) answers.set(method, value);
        await Promise.all([
          fleet.work(i).then(
            () => count("call ok"),
            (error: unknown) => count(`call failed: ${(error as Error).name}`),
          ),
          // A bounded set of names: each lease renewal registers every kept name again, so names that
          // pile up round after round would make the run quadratic, not harder.
          worker.registerName(`w.${i % NAMES}`, new Worker(), { ttl: 1, nameServer: { host: "127.0.0.1", port } }).then(
            () => count("register ok"),
            (error: unknown) => count(`register failed: ${(error as Error).name}`),
          ),
        ]);
      }
      // Sane answers again: the pool finds a real worker and calls it.
      const real = await Daemon.create({ host: "127.0.0.1", port: 0, env: {} });
      try {
        const uri = String(real.register(new Worker(), "w"));
        answers.clear();
        answers.set("watch", { version: "sane", names: { "w.real": [uri, []] } });
        answers.set("list", { "w.real": [uri, []] });
        let result: number | undefined;
        const until = Date.now() + 10_000;
        while (result === undefined) {
          result = await fleet.work(42).catch(() => undefined);
          if (result === undefined && Date.now() > until) throw new Error(`the pool never recovered: ${JSON.stringify(poolStats(fleet))}`);
        }
        expect(result).to.equal(42);
      } finally {
        await real.shutdown();
      }
      console.log(
        `      ${ROUNDS} rounds: ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(", ")}; pool events ${poolEvents.length}, lease events ${leaseEvents.length} (${[...new Set(leaseEvents.map((e) => e.type))].map((t) => `${t} ${leaseEvents.filter((e) => e.type === t).length}`).join(", ")})`,
      );
    } finally {
      await fleet[Symbol.asyncDispose]();
      await worker.shutdown({ namesTimeout: 0.5 });
      await ns.shutdown();
    }
  });
});

@expose
class Target {
  echo(value: unknown): unknown {
    return value;
  }
  add(a: number, b: number): number {
    return a + b;
  }
  *count(n: number): Generator<number> {
    for (let i = 0; i < Math.min(Number(n) || 0, 100); i++) yield i;
  }
}

/** Length of the first frame in `bytes` (a valid CONNECT), from its header. */
/** The length of the first frame of `bytes`, in protocol 48 or 502 (its header says which). */
function firstFrameLength(bytes: Buffer): number {
  return replyFrameLength(bytes, 0);
}

/** Header bytes of the first frame of `bytes`: 40 for protocol 502, 24 for 48. */
function headerLength(bytes: Buffer): number {
  return bytes.length >= 6 && bytes.readUInt16BE(4) === 502 ? 40 : 24;
}

/**
 * Opens a connection and completes the handshake with the first frame of `bytes`; resolves with
 * the socket and what it has received once the CONNECTOK (or anything) came back.
 */
async function handshaken(port: number, bytes: Buffer): Promise<{ socket: net.Socket; received: Buffer[]; closed: Promise<void> }> {
  const socket = net.connect({ host: "127.0.0.1", port });
  socket.on("error", () => undefined);
  const received: Buffer[] = [];
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  const answered = new Promise<void>((resolve) => socket.on("data", (chunk: Buffer) => (received.push(chunk), resolve())));
  await new Promise<void>((resolve) => socket.on("connect", () => resolve()));
  socket.write(bytes.subarray(0, firstFrameLength(bytes)));
  await settlesWithin(Promise.race([answered, closed]), 5000);
  return { socket, received, closed };
}

describe("fuzzing a draining daemon", function () {
  this.timeout(120_000);
  const shape = { objectId: "target", methods: ["echo", "add", "count"] };
  const count = Math.max(BATCH, Math.ceil(fuzzCases(3000) * SHARES.daemon * 0.05));

  async function drainingDaemon(): Promise<DaemonServer> {
    const server = await DaemonServer.start(daemonSettings(daemonConfig({ host: "127.0.0.1", env: {} }), {}, undefined), { port: 0 });
    server.register(Target, "target");
    return server;
  }

  it("new connections: hostile handshakes and calls get valid refusals; the daemon hangs up when the peer does", async () => {
    const server = await drainingDaemon();
    const tally = new Tally();
    try {
      void server.drain(0);
      // Both protocols: a draining daemon answers each connection in the one it speaks.
      const cases = fc.oneof(
        randomHeaderCase,
        handshakeCase(shape),
        payloadCase(shape),
        pipelinedCase(shape),
        pyro5HeaderCase,
        pyro5HandshakeCase(shape),
        pyro5PayloadCase(shape),
        mixedProtocolCase(shape),
      );
      await runPool(fc.sample(cases, { numRuns: count, seed: FUZZ_SEED }), 8, (c) => runWireCase(server.port!, c, tally));
      expect(server.state).to.equal("draining");
      console.log(`      ${count} cases on new connections: replies ${tally}`);
    } finally {
      await server.shutdown({ abandonCalls: true });
    }
  });

  it("connections made before the drain: hostile calls are refused unrun (DRAN) in valid frames, and the daemon stays up", async () => {
    const server = await drainingDaemon();
    const kinds = new Tally();
    try {
      const samples = fc.sample(fc.oneof(payloadCase(shape), pipelinedCase(shape), pyro5PayloadCase(shape)), { numRuns: count, seed: FUZZ_SEED });
      for (let start = 0; start < samples.length; start += BATCH) {
        // Cases cut short inside their CONNECT say nothing about a drain: left out.
        const batch = samples
          .slice(start, start + BATCH)
          .map((c) => Buffer.concat(c.chunks))
          .filter((bytes) => bytes.length >= headerLength(bytes) && firstFrameLength(bytes) <= bytes.length);
        // Handshakes first, while the daemon serves; then it drains; then the calls arrive.
        const open = await Promise.all(batch.map((bytes) => handshaken(server.port!, bytes)));
        void server.drain(0);
        await Promise.all(
          open.map(async ({ socket, received, closed }, i) => {
            const handshakeReply = Buffer.concat(received).length;
            socket.end(batch[i]!.subarray(firstFrameLength(batch[i]!)));
            if (!(await settlesWithin(closed, 10_000))) throw new Error("the draining daemon kept a connection open after the peer's end of stream");
            const replies = Buffer.concat(received);
            const problem = replyStreamProblem(replies);
            if (problem) throw new Error(`invalid reply stream from a draining daemon: ${problem}`);
            const protocol = headerLength(batch[i]!) === 40 ? "/502" : "";
            if (replies.length > handshakeReply) kinds.add(`${replies.includes(Buffer.from("DRAN")) ? "DRAN refusal" : "other reply"}${protocol}`);
            else kinds.add(`no reply${protocol}`);
          }),
        );
        expect(server.state).to.equal("draining");
      }
      console.log(`      ${count} cases on connections made before the drain: ${kinds}`);
    } finally {
      await server.shutdown({ abandonCalls: true });
    }
  });
});
