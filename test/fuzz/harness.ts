/**
 * Running fuzz cases against a live process: each case is a fresh TCP connection that sends its
 * bytes (in the given chunks), half-closes, and collects the reply until the server hangs up.
 * Between batches a {@link Watch} samples the target's memory and runs a well-formed client;
 * {@link liveTarget} sets all that up for a target daemon in a child process.
 */
import net from "node:net";
import { expect } from "chai";
import fc from "fast-check";
import { type DaemonOptions, Proxy } from "@pyrots/core";
import { type TargetDaemon, startTargetDaemon } from "../support/children.js";
import { replyFrameLength, replyStreamProblem } from "./frames.js";

/** One fuzz case: bytes to send, split into writes. */
export interface WireCase {
  readonly label: string;
  readonly chunks: readonly Buffer[];
  /** Milliseconds to wait between writes (a slow or trickling peer); none when absent. */
  readonly gapMs?: number;
}

/** Cases per run from `FUZZ_CASES` (default `fallback`). */
export function fuzzCases(fallback: number): number {
  const value = Number(process.env.FUZZ_CASES ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`FUZZ_CASES must be a positive integer, got ${process.env.FUZZ_CASES}`);
  return value;
}

/** How FUZZ_CASES is split over the targets. */
export const SHARES = { daemon: 0.45, observed: 0.05, nameServerTcp: 0.25, nameServerUdp: 0.05, gateway: 0.2 } as const;

/** The seed for fast-check (`FUZZ_SEED` to replay a run). */
export const FUZZ_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;

/** Connections a case may hold open before we call it a hang. */
const CASE_TIMEOUT_MS = 10_000;

/**
 * Sends a case and waits for the server to close the connection. Throws when the server does not
 * hang up in time after our end of stream, refuses the connection, or answers with anything but
 * whole, valid frames (checked only when the connection ended cleanly: a reset may cut a reply).
 */
export async function runWireCase(port: number, fuzzCase: WireCase, tally?: Tally): Promise<void> {
  const received: Buffer[] = [];
  let reset: Error | undefined;
  const closed = await new Promise<boolean>((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, CASE_TIMEOUT_MS);
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNREFUSED") {
        clearTimeout(timer);
        reject(new Error(`connection refused: the target is down (case ${fuzzCase.label})`));
      } else reset = error;
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(true);
    });
    const send = async () => {
      for (const [i, chunk] of fuzzCase.chunks.entries()) {
        if (socket.destroyed) return;
        if (i > 0 && fuzzCase.gapMs) await new Promise((done) => setTimeout(done, fuzzCase.gapMs));
        await new Promise<void>((done) => socket.write(chunk, () => done()));
      }
      if (!socket.destroyed) socket.end();
    };
    socket.on("connect", () => void send().catch(reject));
  });
  if (!closed) throw new Error(`the server kept the connection open ${CASE_TIMEOUT_MS} ms after our end of stream (case ${fuzzCase.label})`);
  if (reset) {
    tally?.add("reset");
    return;
  }
  const reply = Buffer.concat(received);
  const problem = replyStreamProblem(reply);
  if (problem) throw new Error(`invalid reply stream (${problem}) to case ${fuzzCase.label}`);
  if (tally) for (const kind of replyKinds(reply)) tally.add(kind);
}

const KIND_NAMES: Record<number, string> = { 2: "CONNECTOK", 3: "CONNECTFAIL", 5: "RESULT", 6: "PING" };

/** Names of the frames in a valid reply stream; exception results count as `RESULT(exception)`. */
function replyKinds(reply: Buffer): string[] {
  const kinds: string[] = [];
  for (let at = 0; at < reply.length; at += replyFrameLength(reply, at)) {
    const pyro5 = reply.readUInt16BE(at + 4) === 502;
    const type = pyro5 ? reply[at + 6]! : reply.readUInt16BE(at + 6);
    const name = type === 5 && reply.readUInt16BE(at + 8) & 1 ? "RESULT(exception)" : KIND_NAMES[type]!;
    kinds.push(pyro5 ? `${name}/502` : name);
  }
  return kinds.length > 0 ? kinds : ["no reply"];
}

/** Counts of what the target answered, to show the fuzzing reaches past the header checks. */
export class Tally {
  private readonly counts = new Map<string, number>();

  add(kind: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }

  toString(): string {
    return [...this.counts]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(", ");
  }
}

/** Cases per batch: the health checks run between batches. */
export const BATCH = 50;
/** Cases in flight at once. */
const CONCURRENCY = 8;

/**
 * Runs about `cases` cases drawn from `arbitrary` against `port`, in batches of {@link BATCH} run
 * {@link CONCURRENCY} at a time; after each batch `alive` must not throw and `watch` runs its checks.
 */
export async function fuzzWire(arbitrary: fc.Arbitrary<WireCase>, cases: number, port: number, watch: Watch, tally: Tally, alive: () => void): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.array(arbitrary, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
      await runPool(batch, CONCURRENCY, (c) => runWireCase(port, c, tally));
      alive();
      await watch.after(batch.length);
    }),
    { numRuns: Math.max(1, Math.ceil(cases / BATCH)), seed: FUZZ_SEED, endOnFailure: true },
  );
}

/** Runs `work` over `items` with at most `concurrency` at a time; rejects with the first failure. */
export async function runPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Memory samples and health checks of one target, kept across batches. */
export class Watch {
  cases = 0;
  checks = 0;
  readonly startRss: number;
  maxRss: number;
  private readonly started = Date.now();

  /**
   * @param rss reads the target's resident set size.
   * @param check a well-formed client's round trip; throws when the answer is wrong.
   * @param rssLimit bytes the target's RSS may never exceed.
   */
  constructor(
    readonly name: string,
    private readonly rss: () => number,
    private readonly check: () => Promise<void>,
    readonly rssLimit: number,
  ) {
    this.startRss = this.maxRss = rss();
  }

  /** Records `count` more cases, samples memory and runs the check. */
  async after(count: number): Promise<void> {
    this.cases += count;
    this.sample();
    await this.check();
    this.checks++;
  }

  /** Samples memory; throws past the limit. */
  sample(): void {
    const rss = this.rss();
    this.maxRss = Math.max(this.maxRss, rss);
    if (rss > this.rssLimit) throw new Error(`${this.name}: RSS ${mb(rss)} exceeds the bound ${mb(this.rssLimit)} after ${this.cases} cases`);
  }

  /** One line for the report. */
  summary(endRss: number): string {
    const seconds = (Date.now() - this.started) / 1000;
    return `${this.name}: ${this.cases} cases in ${seconds.toFixed(1)} s (${Math.round(this.cases / seconds)}/s), ${this.checks} client checks, RSS start ${mb(this.startRss)}, max ${mb(this.maxRss)}, end ${mb(endRss)} (bound ${mb(this.rssLimit)})`;
  }
}

/** Bytes as MiB text. */
export function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * Records what clients send: a relay on 127.0.0.1 in front of `port`. Run `session` against the
 * relay's port; returns the client-to-server bytes of each connection it made.
 */
export async function captureClientStreams(port: number, session: (relayPort: number) => Promise<void>): Promise<Buffer[]> {
  const streams: Buffer[][] = [];
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    const recorded: Buffer[] = [];
    streams.push(recorded);
    const upstream = net.connect({ host: "127.0.0.1", port });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => undefined);
      s.on("close", () => (sockets.delete(s), client.destroy(), upstream.destroy()));
    }
    client.on("data", (chunk: Buffer) => (recorded.push(chunk), upstream.write(chunk)));
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  try {
    await session((relay.address() as net.AddressInfo).port);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => relay.close(resolve));
  }
  return streams.map((chunks) => Buffer.concat(chunks)).filter((b) => b.length > 0);
}

/** Bytes a target daemon's RSS may grow above its start, no more (generous: GC is lazy). */
export const RSS_HEADROOM = 384 * 2 ** 20;

/** A target daemon (`test/support/target-daemon.ts`) in a child process, fuzzed by one suite. */
export interface LiveTarget<Api> {
  /** The daemon (there from the suite's `before` on). */
  readonly daemon: TargetDaemon;
  /** A long-lived proxy to its `target` object. */
  readonly checker: Api & AsyncDisposable;
  /** Its memory and health watch. */
  readonly watch: Watch;
  /** Runs about `cases` cases of `arbitrary` against it; meanwhile it prints nothing but what it announces. */
  fuzz(arbitrary: fc.Arbitrary<WireCase>, cases: number): Promise<void>;
}

/** How {@link liveTarget} starts and checks its daemon. */
export interface LiveTargetSetup<Api> {
  /** The target daemon's options. */
  readonly options?: DaemonOptions;
  /** Starts of the lines the daemon prints on stdout besides `URI ` (e.g. `METRICS `). */
  readonly announces?: readonly string[];
  /** Runs once the daemon is up, before any case (captures a corpus, checks the start). */
  prepare?(target: LiveTarget<Api>): Promise<void>;
  /** A well-formed client's round trips, the `count`-th time (after each batch of cases); throws on a wrong answer. */
  check(target: LiveTarget<Api>, count: number): Promise<void>;
}

/**
 * A live target daemon for the suite being declared (call it inside `describe`): mocha's `before`
 * starts it, makes the checker proxy and runs `prepare`; `after` prints the watch's summary and
 * the replies' tally, and stops it.
 */
export function liveTarget<Api extends object>(name: string, setup: LiveTargetSetup<Api>): LiveTarget<Api> {
  const tally = new Tally();
  const announces = ["URI ", ...(setup.announces ?? [])];
  let daemon: TargetDaemon | undefined;
  let checker: (Api & AsyncDisposable) | undefined;
  let watch: Watch | undefined;
  let count = 0;
  const target: LiveTarget<Api> = {
    get daemon() {
      return daemon!;
    },
    get checker() {
      return checker!;
    },
    get watch() {
      return watch!;
    },
    fuzz: (arbitrary, cases) =>
      fuzzWire(arbitrary, cases, daemon!.port, watch!, tally, () => {
        const unexpected = daemon!.proc.lines.filter((line) => !announces.some((start) => line.startsWith(start)));
        expect(unexpected, "unexpected output of the daemon").to.deep.equal([]);
      }),
  };
  before(async function () {
    this.timeout(60_000);
    daemon = await startTargetDaemon(setup.options);
    checker = new Proxy<Api>(daemon.uri) as Api & AsyncDisposable;
    await setup.prepare?.(target);
    watch = new Watch(
      name,
      () => daemon!.rss(),
      () => setup.check(target, count++),
      daemon.rss() + RSS_HEADROOM,
    );
  });
  after(async function () {
    this.timeout(30_000);
    if (watch) process.stdout.write(`      ${watch.summary(daemon!.rss())}, seed ${FUZZ_SEED}\n      replies: ${tally}\n`);
    await checker?.[Symbol.asyncDispose]();
    await daemon?.stop();
  });
  return target;
}
