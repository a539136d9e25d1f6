/**
 * Fuzzing a live name server in a child process: its TCP daemon (mutated captured name server
 * traffic, random headers, hostile handshakes and calls) and its UDP broadcast responder (random
 * and mutated datagrams, sent unicast to 127.0.0.1: nothing here broadcasts). A well-formed client
 * keeps registering and resolving names correctly throughout; memory and prototypes are watched.
 */
import dgram from "node:dgram";
import { expect } from "chai";
import fc from "fast-check";
import { type NameServerProxy, Proxy } from "@pyrots/core";
import { type TargetNameServer, startTargetNameServer } from "../support/children.js";
import { type FrameSpec, splitFrames } from "./frames.js";
import { BATCH, FUZZ_SEED, SHARES, Tally, Watch, captureClientStreams, fuzzCases, fuzzWire, mb } from "./harness.js";
import { type TargetShape, costlyCase, handshakeCase, nameServerAbuseCase, mutatedCase, payloadCase, pingStream, randomHeaderCase } from "./cases.js";
import { serpentAbuseCase } from "./serpent-cases.js";

const ALL = fuzzCases(3000);
const TCP_CASES = Math.ceil(ALL * SHARES.nameServerTcp);
const UDP_CASES = Math.ceil(ALL * SHARES.nameServerUdp);
const RSS_HEADROOM = 384 * 2 ** 20;
const GET_NSURI = Buffer.from("GET_NSURI", "latin1");

interface DiagApi {
  prototypesClean(): Promise<string[]>;
  diagnostics(collect?: boolean): Promise<{ rss: number; connections: number }>;
}

const SHAPE: TargetShape = {
  objectId: "Pyro.NameServer",
  methods: ["ping", "count", "lookup", "list", "yplookup", "register", "set_metadata", "lease_grant", "lease_keepalive", "lease_revoke", "health"],
};
/** A name the catastrophic patterns of the abuse cases backtrack on for seconds. */
const BACKTRACKING_NAME = "a".repeat(40) + "!";
const DUMMY_URI = "PYRO:fuzz.obj@127.0.0.1:1";

/** Valid name server traffic of real proxies (msgpack, json and serpent), recorded and split into frames. */
async function captureCorpus(port: number): Promise<FrameSpec[][]> {
  const streams = await captureClientStreams(port, async (relayPort) => {
    for (const serializer of ["msgpack", "json", "serpent"] as const) {
      // Loosely typed: the calls below leave optional arguments out on purpose.
      await using ns = new Proxy<Record<string, (...args: unknown[]) => Promise<unknown>>>(`PYRO:Pyro.NameServer@127.0.0.1:${relayPort}`, { serializer });
      await ns.ping();
      await ns.count();
      await ns.register(`fuzz.${serializer}`, DUMMY_URI, false, ["fuzz.tag"]);
      await ns.lookup(`fuzz.${serializer}`);
      await ns.lookup(`fuzz.${serializer}`, true);
      await ns.list("fuzz.");
      await ns.list(null, "fuzz\\..*");
      await ns.list(null, null, ["fuzz.tag"], null, true);
      await ns.yplookup(null, ["fuzz.tag"]);
      await ns.set_metadata(`fuzz.${serializer}`, ["fuzz.tag", "other"]);
      const lease = await ns.lease_grant(30);
      await ns.register(`fuzz.leased.${serializer}`, DUMMY_URI, false, null, lease);
      await ns.lease_keepalive(lease);
      await ns.lease_revoke(lease);
      await ns.health();
    }
  });
  return [...streams.map(splitFrames), pingStream(6, "Pyro.NameServer"), pingStream(1, "Pyro.NameServer")];
}

describe("fuzzing a live name server (child process)", function () {
  let server: TargetNameServer;
  let ns: NameServerProxy & AsyncDisposable;
  let diag: DiagApi & AsyncDisposable;
  let watch: Watch;
  let corpus: FrameSpec[][];
  let checkNo = 0;
  const tally = new Tally();

  before(async function () {
    this.timeout(60_000);
    server = await startTargetNameServer();
    corpus = await captureCorpus(server.port);
    ns = new Proxy<NameServerProxy>(server.uri) as unknown as NameServerProxy & AsyncDisposable;
    diag = new Proxy<DiagApi>(server.diagUri);
    expect(await diag.prototypesClean()).to.deep.equal([]);
    await ns.register(BACKTRACKING_NAME, DUMMY_URI);
    watch = new Watch("name server", () => server.rss(), wellFormedClient, server.rss() + RSS_HEADROOM);
  });

  after(async function () {
    this.timeout(30_000);
    if (watch) process.stdout.write(`      ${watch.summary(server.rss())}, seed ${FUZZ_SEED}\n      replies: ${tally}\n`);
    await ns?.[Symbol.asyncDispose]();
    await diag?.[Symbol.asyncDispose]();
    await server?.stop();
  });

  /** Registers a fresh name and resolves it and an older one; the prototypes stay clean. */
  async function wellFormedClient(): Promise<void> {
    const i = checkNo++;
    const uri = `PYRO:check${i}@127.0.0.1:${1000 + (i % 50000)}`;
    await ns.register(`check.${i}`, uri, true, [`check.tag.${i}`]);
    expect(String(await ns.lookup(`check.${i}`))).to.equal(uri);
    expect(Object.keys(await ns.yplookup([`check.tag.${i}`], null, true))).to.deep.equal([`check.${i}`]);
    if (i > 0) expect(String(await ns.lookup(`check.${i - 1}`))).to.equal(`PYRO:check${i - 1}@127.0.0.1:${1000 + ((i - 1) % 50000)}`);
    // Searches and listings still work for a well-behaved client after the abuse.
    expect(Object.keys(await ns.list(null, `check\\.${i}$`))).to.deep.equal([`check.${i}`]);
    expect(Object.keys(await ns.list("check.")).length).to.equal(i + 1);
    expect(await diag.prototypesClean(), "the name server's built-in prototypes").to.deep.equal([]);
  }

  const alive = () =>
    expect(
      server.proc.lines.filter((l) => !/^(NS|BC|DIAG) /.test(l)),
      "unexpected output of the name server",
    ).to.deep.equal([]);

  it("survives mutations of captured name server traffic", async function () {
    this.timeout(0);
    await fuzzWire(mutatedCase(corpus), TCP_CASES * 0.5, server.port, watch, tally, alive);
  });

  it("survives random headers, hostile handshakes and hostile calls, including costly ones", async function () {
    this.timeout(0);
    await fuzzWire(
      fc.oneof({ weight: 3, arbitrary: fc.oneof(randomHeaderCase, handshakeCase(SHAPE), payloadCase(SHAPE), serpentAbuseCase(SHAPE)) }, costlyCase(SHAPE)),
      TCP_CASES * 0.5,
      server.port,
      watch,
      tally,
      alive,
    );
  });

  it("survives abuse of its API: catastrophic regexes, huge tag queries and registrations, floods of listings", async function () {
    this.timeout(0);
    await fuzzWire(nameServerAbuseCase, Math.max(BATCH, Math.ceil(TCP_CASES * 0.2)), server.port, watch, tally, alive);
    expect(String(await ns.lookup(BACKTRACKING_NAME))).to.equal(DUMMY_URI);
  });

  it("its broadcast responder answers GET_NSURI exactly, ignores every other datagram, and stays up", async function () {
    this.timeout(0);
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    const replies: string[] = [];
    socket.on("message", (message) => replies.push(message.toString("latin1")));
    const datagram = fc.oneof(
      fc.uint8Array({ maxLength: 1500 }).map((a) => Buffer.from(a)),
      fc.tuple(fc.nat({ max: 8 }), fc.integer({ min: 0, max: 7 }), fc.uint8Array({ maxLength: 4 })).map(([at, bit, extra]) => {
        const b = Buffer.concat([GET_NSURI, Buffer.from(extra)]);
        b[at]! ^= 1 << bit;
        return b;
      }),
      fc.nat({ max: 9 }).map((n) => GET_NSURI.subarray(0, n)),
      fc.constantFrom(Buffer.from("get_nsuri"), Buffer.from("GET_NSURI\n"), Buffer.from("GET_NSURI\0"), Buffer.alloc(65_507, 0x41)),
      // Floods of real requests: answered at most at the reply rate, never enough to starve the check below.
      { weight: 3, arbitrary: fc.constant(GET_NSURI) },
    );
    let sent = 0;
    let requests = 0;
    const send = (d: Buffer) =>
      new Promise<void>((resolve, reject) => {
        if (d.equals(GET_NSURI)) requests++;
        socket.send(d, server.bcPort, "127.0.0.1", (e) => (e ? reject(e) : resolve()));
      });
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(datagram, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
          for (const d of batch) await send(d);
          sent += batch.length;
          // After every batch a real request must be answered with the URI (asked again if a datagram is lost).
          const before = replies.length;
          for (let tries = 0; tries < 20 && replies.length === before; tries++) {
            await send(GET_NSURI);
            await new Promise((resolve) => setTimeout(resolve, tries === 0 ? 5 : 100));
          }
          expect(replies.slice(before), "answers to GET_NSURI").to.include(server.uri);
          alive();
          await watch.after(batch.length);
        }),
        { numRuns: Math.max(1, Math.ceil(UDP_CASES / BATCH)), seed: FUZZ_SEED, endOnFailure: true },
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(
        replies.every((r) => r === server.uri),
        "every answer is the URI",
      ).to.equal(true);
      expect(replies.length, "answers only to exact GET_NSURI datagrams").to.be.at.most(requests);
      process.stdout.write(`      UDP: ${sent} fuzz datagrams, ${replies.length} answers to ${requests} real requests\n`);
    } finally {
      socket.close();
    }
  });

  it("ends with a name server that is up, clean and within its memory bound", async function () {
    this.timeout(30_000);
    const d = await diag.diagnostics(true);
    process.stdout.write(`      name server after GC: RSS ${mb(d.rss)}, ${d.connections} connections\n`);
    expect(await diag.prototypesClean()).to.deep.equal([]);
    expect(server.rss()).to.be.below(watch.rssLimit);
  });
});
