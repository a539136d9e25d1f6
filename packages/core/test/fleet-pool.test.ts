/**
 * The pool engine's decisions with stand-in workers and a fake clock: where calls go, what is
 * retried and what is not, that no retry outlives a call's deadline, breakers and probes, drains,
 * membership changes and session affinity. (The same behaviour with real worker processes is in
 * test/integration/fleet-*.test.ts.)
 */
import { expect } from "chai";
import {
  ConnectionClosedError,
  DaemonError,
  PoolEngine,
  type PoolEvent,
  ProxyCore,
  type ProxySettings,
  type MembershipSink,
  type MembershipSource,
  RemoteError,
  TimeoutError,
  URI,
  markFromReply,
  markNotSent,
  resolvePoolSettings,
  type PoolSettings,
} from "@pyrots/core/internal";
import { FakeClock, settle } from "./fake-clock.js";

/** How a stand-in worker answers a call. */
type Behaviour = (method: string, args: unknown[]) => Promise<unknown>;

/** A stand-in worker: counts calls, answers by its behaviour, and can refuse connections. */
class Worker {
  calls: string[] = [];
  up = true;
  constructor(
    readonly name: string,
    public behaviour: Behaviour,
    public idempotent: string[] = [],
    public instanceMode: string | undefined = "single",
  ) {}
  readonly uri = () => new URI({ protocol: "PYRO", object: "obj", host: "127.0.0.1", port: 1000 + Number(this.name.replace(/\D/g, "") || 0) });
}

/** A core over a stand-in worker: the part of ProxyCore the pool uses. */
function fakeCore(worker: Worker): ProxyCore {
  const core = {
    connected: false,
    metadata: undefined as unknown,
    async bind() {
      if (!worker.up) throw new ConnectionClosedError(`connect to ${worker.name} refused`);
      core.connected = true;
      core.metadata = {
        methods: new Set(["work", "read", "write"]),
        oneway: new Set(),
        attrs: new Set(),
        idempotent: new Set(worker.idempotent),
        instanceMode: worker.instanceMode,
      };
    },
    call(method: string, args: unknown[]) {
      if (!worker.up) return Promise.reject(markNotSent(new ConnectionClosedError(`connect to ${worker.name} refused`)));
      worker.calls.push(method);
      return worker.behaviour(method, args);
    },
    release() {
      core.connected = false;
    },
  };
  return core as unknown as ProxyCore;
}

/** A membership the test changes by hand. */
class Members implements MembershipSource {
  readonly description = "test workers";
  private sink: MembershipSink | undefined;
  constructor(private workers: Worker[]) {}
  start(sink: MembershipSink): void {
    this.sink = sink;
    this.set(this.workers);
  }
  /** Every worker ever listed, by URI (what cores are made for). */
  readonly byUri = new Map<string, Worker>();
  set(workers: Worker[]): void {
    this.workers = workers;
    for (const w of workers) this.byUri.set(w.uri().toString(), w);
    this.sink?.(new Map(workers.map((w) => [w.name, { uri: w.uri(), tags: [] }])));
  }
  close(): void {}
}

const ok: Behaviour = async (method) => method;
const lost: Behaviour = async () => {
  throw new ConnectionClosedError("connection lost");
};
const draining: Behaviour = async () => {
  throw markNotSent(markFromReply(new DaemonError("daemon is draining: the call was not run")));
};

function makePool(workers: Worker[], settings: PoolSettings = {}, clock = new FakeClock()) {
  const events: PoolEvent[] = [];
  const membership = new Members(workers);
  const engine = new PoolEngine({
    uri: new URI({ protocol: "PYRONAME", object: "worker." }),
    settings: {} as ProxySettings,
    pool: resolvePoolSettings({ onEvent: (e) => events.push(e), ...settings }, 0),
    membership,
    createCore: (uri) => fakeCore(membership.byUri.get(uri.toString())!),
    clock,
    random: () => 0.5,
  });
  return { engine, clock, events, membership };
}

describe("fleet: the pool engine (stand-in workers, fake clock)", () => {
  it("round-robin: 9 calls over 3 workers land 3/3/3", async () => {
    const workers = ["w1", "w2", "w3"].map((n) => new Worker(n, ok));
    const { engine } = makePool(workers, { strategy: "round-robin" });
    for (let i = 0; i < 9; i++) await engine.call("work", [], null, undefined);
    expect(workers.map((w) => w.calls.length)).to.deep.equal([3, 3, 3]);
  });

  it("a call that never reached a worker goes to another one, whatever its method", async () => {
    const [dead, live] = [new Worker("w1", ok), new Worker("w2", ok)];
    const { engine, clock } = makePool([dead, live], { strategy: "round-robin" });
    await engine.bind();
    dead.up = false;
    const results = await clock.run(Promise.all(Array.from({ length: 6 }, () => engine.call("write", [], null, undefined))));
    expect(results.error).to.equal(undefined);
    expect(live.calls).to.have.length(6);
    expect(engine.stats().retries).to.be.greaterThan(0);
  });

  it("a lost connection: a non-idempotent call fails; an idempotent one is sent to another worker", async () => {
    const flaky = new Worker("w1", lost, ["read"]);
    const good = new Worker("w2", ok, ["read"]);
    const { engine, clock } = makePool([flaky, good], { strategy: "round-robin" });
    await engine.bind();
    // The round goes w2 (bind took w1's turn), then w1.
    await engine.call("write", [], null, undefined);
    const write = await clock.run(engine.call("write", [], null, undefined));
    expect(write.error).to.be.instanceOf(ConnectionClosedError);
    await engine.call("read", [], null, undefined);
    const read = await clock.run(engine.call("read", [], null, undefined));
    expect(read.value).to.equal("read");
    expect(flaky.calls).to.deep.equal(["write", "read"]);
  });

  it("methods the client declares idempotent are retried too (for workers that cannot say so)", async () => {
    const flaky = new Worker("w1", lost);
    const good = new Worker("w2", ok);
    const { engine, clock } = makePool([flaky, good], { strategy: "round-robin", idempotent: ["write"] });
    await engine.bind();
    await engine.call("write", [], null, undefined);
    expect((await clock.run(engine.call("write", [], null, undefined))).value).to.equal("write");
  });

  it("the worker's own exception is the answer: never retried, and the worker stays in", async () => {
    const failing = new Worker(
      "w1",
      async () => {
        throw markFromReply(new RemoteError({ type: "builtins.ValueError", args: ["bad"], attributes: {}, traceback: [] }));
      },
      ["read"],
    );
    const { engine, clock } = makePool([failing], {});
    for (let i = 0; i < 5; i++) expect((await clock.run(engine.call("read", [], null, undefined))).error).to.be.instanceOf(RemoteError);
    expect(failing.calls).to.have.length(5);
    expect(engine.stats().workers[0]!.state).to.equal("ok");
    expect(engine.stats().retries).to.equal(0);
  });

  it("attempts are bounded: a call that can never be sent is tried `attempts` times, then fails", async () => {
    const workers = ["w1", "w2", "w3", "w4"].map((n) => new Worker(n, ok));
    const { engine, clock } = makePool(workers, { retry: { attempts: 3 }, breaker: { failures: 100 } });
    await engine.bind();
    for (const w of workers) w.up = false;
    const outcome = await clock.run(engine.call("write", [], null, undefined));
    expect(outcome.error).to.be.instanceOf(ConnectionClosedError);
    expect(engine.stats().retries).to.equal(2);
    expect(engine.stats().failedCalls).to.equal(1);
  });

  it("no retry loop outlives the deadline: every attempt timing out, 50 attempts allowed, a 1 s deadline", async () => {
    const clock = new FakeClock();
    const hanging: Behaviour = async () => {
      await clock.sleep(400);
      throw new TimeoutError("call timed out");
    };
    const workers = ["w1", "w2"].map((n) => new Worker(n, hanging, ["read"]));
    const { engine } = makePool(workers, { timeout: 1, retry: { attempts: 50, backoff: 0.3, maxBackoff: 1 }, breaker: { failures: 100 } }, clock);
    await clock.run(engine.bind());
    const outcome = await clock.run(engine.call("read", [], null, undefined));
    expect(outcome.error).to.be.instanceOf(TimeoutError);
    expect(outcome.elapsed).to.be.at.most(1000);
    expect(workers[0]!.calls.length + workers[1]!.calls.length).to.be.at.most(3);
  });

  it("with no worker at all, a call waits for one within its deadline, then fails saying none is registered", async () => {
    const { engine, clock } = makePool([], { timeout: 2 });
    const outcome = await clock.run(engine.call("work", [], null, undefined));
    expect((outcome.error as Error).message).to.match(/no worker is registered/);
    expect(outcome.elapsed).to.equal(2000);
  });

  it("a worker joining while a call waits takes it", async () => {
    const { engine, clock, membership } = makePool([], { timeout: 5 });
    const pending = engine.call("work", [], null, undefined);
    await clock.advance(1500);
    const late = new Worker("w9", ok);
    membership.set([late]);
    const outcome = await clock.run(pending);
    expect(outcome.error).to.equal(undefined);
    expect(outcome.value).to.equal("work");
    expect(outcome.elapsed).to.equal(0);
  });

  it("breaker: 3 timeouts in a row take a worker out; a probe after the cooldown lets it back in", async () => {
    const clock = new FakeClock();
    let slow = true;
    const sometimes: Behaviour = async (method) => {
      if (!slow) return method;
      await clock.sleep(100);
      throw new TimeoutError("call timed out");
    };
    const flaky = new Worker("w1", sometimes, ["read"]);
    const good = new Worker("w2", ok, ["read"]);
    const { engine, events } = makePool([flaky, good], { strategy: "round-robin", breaker: { failures: 3, cooldown: 1 } }, clock);
    await engine.bind();
    for (let i = 0; i < 12; i++) expect((await clock.run(engine.call("read", [], null, undefined))).value).to.equal("read");
    expect(flaky.calls).to.have.length(3);
    expect(events.map((e) => e.type)).to.include("breaker-open");
    expect(engine.stats().workers.find((w) => w.name === "w1")!.state).to.equal("open");
    slow = false;
    await clock.advance(1000);
    await settle();
    expect(engine.stats().workers.find((w) => w.name === "w1")!.state).to.equal("ok");
    expect(events.map((e) => e.type)).to.include("breaker-closed");
    for (let i = 0; i < 4; i++) await engine.call("read", [], null, undefined);
    expect(flaky.calls).to.have.length(5);
  });

  it("a draining worker: its refusal sends the call elsewhere (even a non-idempotent one) and it gets no more", async () => {
    const leaving = new Worker("w1", draining);
    const staying = new Worker("w2", ok);
    const { engine, clock, events } = makePool([leaving, staying], { strategy: "round-robin" });
    await engine.bind();
    // Sent at once, half of these reach the draining worker before its first refusal is back.
    const burst = await clock.run(Promise.all(Array.from({ length: 10 }, () => engine.call("write", [], null, undefined))));
    expect(burst.value).to.have.length(10);
    expect(leaving.calls).to.have.length(5);
    const after = await clock.run(Promise.all(Array.from({ length: 10 }, () => engine.call("write", [], null, undefined))));
    expect(after.value).to.have.length(10);
    expect(leaving.calls).to.have.length(5);
    expect(staying.calls).to.have.length(20);
    expect(events.filter((e) => e.type === "draining")).to.have.length(1);
  });

  it("a worker that leaves gets no new calls; its calls in flight still finish", async () => {
    const clock = new FakeClock();
    const slowly: Behaviour = async (method) => {
      await clock.sleep(50);
      return method;
    };
    const [a, b] = [new Worker("w1", slowly), new Worker("w2", slowly)];
    const { engine, membership } = makePool([a, b], { strategy: "round-robin" }, clock);
    await engine.bind();
    const first = Promise.all([engine.call("work", [], null, undefined), engine.call("work", [], null, undefined)]);
    membership.set([b]);
    const results = await clock.run(Promise.all([first, ...Array.from({ length: 4 }, () => engine.call("work", [], null, undefined))]));
    expect(results.error).to.equal(undefined);
    expect(a.calls).to.have.length(1);
    expect(b.calls).to.have.length(5);
  });

  it("session-mode workers pin a client to one worker until it becomes unavailable", async () => {
    const workers = ["w1", "w2", "w3"].map((n) => new Worker(n, ok, [], "session"));
    const { engine, clock, events } = makePool(workers, { strategy: "round-robin" });
    for (let i = 0; i < 6; i++) await engine.call("work", [], null, undefined);
    const used = workers.filter((w) => w.calls.length > 0);
    expect(used).to.have.length(1);
    used[0]!.up = false;
    await clock.run(Promise.all(Array.from({ length: 4 }, () => engine.call("work", [], null, undefined))));
    expect(workers.filter((w) => w.calls.length > 0)).to.have.length(2);
    expect(events.filter((e) => e.type === "pinned").length).to.equal(2);
  });

  it("shard key: the same key always on the same worker; losing a worker moves only its keys", async () => {
    const workers = ["w1", "w2", "w3"].map((n) => new Worker(n, async (_m, args) => args[0]));
    const { engine, membership } = makePool(workers, { shardKey: 0 });
    const ownerOf = async (key: string) => {
      const before = workers.map((w) => w.calls.length);
      await engine.call("read", [key], null, undefined);
      return workers.findIndex((w, i) => w.calls.length > before[i]!);
    };
    const keys = Array.from({ length: 60 }, (_, i) => `k${i}`);
    const owners = new Map<string, number>();
    for (const key of keys) owners.set(key, await ownerOf(key));
    for (const key of keys) expect(await ownerOf(key)).to.equal(owners.get(key));
    expect(new Set(owners.values()).size).to.equal(3);
    membership.set([workers[0]!, workers[2]!]);
    for (const key of keys) {
      const now = await ownerOf(key);
      if (owners.get(key) !== 1) expect(now).to.equal(owners.get(key));
      else expect(now).to.not.equal(1);
    }
  });

  it("a closed pool refuses calls and waits for nothing", async () => {
    const { engine } = makePool([new Worker("w1", ok)]);
    await engine.close();
    const error = await engine.call("work", [], null, undefined).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/closed|no worker/);
  });
});
