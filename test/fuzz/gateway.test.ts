/**
 * Fuzzing a live HTTP gateway in a child process (see target-gateway.ts): hostile requests (odd
 * paths, garbage headers, random, deep and oversized bodies, lying framing, see http-cases.ts),
 * bytes that are not HTTP, slow senders (slowloris) and endless bodies. Throughout, the gateway must
 * answer only with HTTP (never with its own internal error), hang up when we do, never leave a
 * rejection unhandled (the target exits on one), keep its RSS under a bound and its built-in
 * prototypes clean, and keep serving a well-formed client correctly.
 *
 * `FUZZ_CASES` sets the number of cases over all fuzz suites (see harness.ts for the split).
 */
import { expect } from "chai";
import fc from "fast-check";
import net from "node:net";
import { type TargetGateway, startTargetGateway } from "../support/children.js";
import { BATCH, FUZZ_SEED, SHARES, Tally, Watch, type WireCase, fuzzCases, mb, runPool } from "./harness.js";
import { garbageCase, httpCase } from "./http-cases.js";

const TOTAL = Math.ceil(fuzzCases(3000) * SHARES.gateway);
const RSS_HEADROOM = 256 * 2 ** 20;
/** Longest a case may keep a connection open after our end of stream. */
const CASE_TIMEOUT_MS = 10_000;
const CONCURRENCY = 8;

/** Sends a case, half-closes, and collects the answer until the gateway hangs up. */
async function runHttpCase(port: number, fuzzCase: WireCase, tally: Tally): Promise<void> {
  const received: Buffer[] = [];
  const outcome = await new Promise<"closed" | "reset" | "hung">((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    let reset = false;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve("hung");
    }, CASE_TIMEOUT_MS);
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNREFUSED") {
        clearTimeout(timer);
        reject(new Error(`connection refused: the gateway is down (case ${fuzzCase.label})`));
      } else reset = true;
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(reset ? "reset" : "closed");
    });
    socket.on("connect", async () => {
      for (const chunk of fuzzCase.chunks) {
        if (socket.destroyed) return;
        await new Promise<void>((done) => socket.write(chunk, () => done()));
      }
      if (!socket.destroyed) socket.end();
    });
  });
  if (outcome === "hung") throw new Error(`the gateway kept the connection open ${CASE_TIMEOUT_MS} ms after our end of stream (case ${fuzzCase.label})`);
  const reply = Buffer.concat(received).toString("latin1");
  if (reply.length > 0 && !reply.startsWith("HTTP/1.1 "))
    throw new Error(`not an HTTP answer to case ${fuzzCase.label}: ${JSON.stringify(reply.slice(0, 80))}`);
  if (reply.includes('"gateway-error"')) throw new Error(`the gateway failed internally on case ${fuzzCase.label}: ${reply.slice(0, 600)}`);
  const statuses = [...reply.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]!);
  for (const status of statuses.length > 0 ? statuses : [outcome === "reset" ? "reset" : "no answer"]) tally.add(status);
}

describe("fuzzing a live HTTP gateway (child process)", function () {
  let target: TargetGateway;
  let watch: Watch;
  let checkNo = 0;
  const tally = new Tally();

  before(async function () {
    this.timeout(60_000);
    target = await startTargetGateway();
    watch = new Watch("gateway", () => target.rss(), wellFormedClient, target.rss() + RSS_HEADROOM);
  });

  after(async function () {
    this.timeout(30_000);
    if (watch) process.stdout.write(`      ${watch.summary(target.rss())}, seed ${FUZZ_SEED}\n      statuses: ${tally}\n`);
    await target?.stop();
  });

  async function call(path: string, init: RequestInit = {}): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${target.url}pyro/${path}`, init);
    return { status: response.status, json: await response.json() };
  }

  /** Calls, a stream and the prototypes check, through the gateway, must all come out right. */
  async function wellFormedClient(): Promise<void> {
    const i = checkNo++;
    const value = { i, text: `value ${i}`, list: [i + 1, -(i + 1), (i + 1) / 4], nested: { ok: i % 2 === 0, none: null } };
    const echo = await call("fuzz.calc/echo", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ args: [value] }) });
    expect(echo).to.deep.equal({ status: 200, json: value });
    expect(await call(`fuzz.calc/add?$args=[${i},1]`)).to.deep.equal({ status: 200, json: i + 1 });
    expect(await call("fuzz.diag/prototypesClean"), "the gateway's built-in prototypes").to.deep.equal({ status: 200, json: [] });
    if (i % 10 === 0) {
      const stream = await fetch(`${target.url}pyro/fuzz.calc/ticks?$args=[3]`);
      expect(await stream.text()).to.equal('{"item":0}\n{"item":1}\n{"item":2}\n{"done":true,"items":3}\n');
    }
  }

  const alive = () => expect(target.proc.stderr(), "the gateway's stderr").to.equal("");

  async function fuzz(arbitrary: fc.Arbitrary<WireCase>, cases: number): Promise<void> {
    const details = await fc.check(
      fc.asyncProperty(fc.array(arbitrary, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        await runPool(batch, CONCURRENCY, (c) => runHttpCase(target.port, c, tally));
        alive();
        await watch.after(batch.length);
      }),
      { numRuns: Math.max(1, Math.ceil(cases / BATCH)), seed: FUZZ_SEED, endOnFailure: true },
    );
    if (!details.failed) return;
    // The cases' labels, not their bytes: a counterexample can be megabytes long.
    const labels = (details.counterexample?.[0] ?? []).map((c) => `  ${c.label}`).join("\n");
    throw new Error(`${String(details.errorInstance)}\nseed ${details.seed}, batch of cases:\n${labels}`, { cause: details.errorInstance });
  }

  it("survives hostile HTTP requests: odd paths, headers, bodies and framing", async function () {
    this.timeout(0);
    await fuzz(httpCase, TOTAL * 0.9);
  });

  it("survives bytes that are not HTTP", async function () {
    this.timeout(0);
    await fuzz(garbageCase, TOTAL * 0.1);
  });

  it("cuts off slow senders (slowloris) after its header and request timeouts, while serving others", async function () {
    this.timeout(30_000);
    const started = Date.now();
    const trickle = (prefix: string, payload: string, everyMs: number) =>
      new Promise<{ reply: string; ms: number }>((resolve) => {
        const socket = net.connect({ host: "127.0.0.1", port: target.port }, () => socket.write(prefix));
        let reply = "";
        let at = 0;
        const timer = setInterval(() => {
          if (!socket.destroyed && at < payload.length) socket.write(payload[at++]!);
        }, everyMs);
        socket.on("data", (chunk: Buffer) => (reply += chunk.toString("latin1")));
        socket.on("error", () => undefined);
        socket.on("close", () => {
          clearInterval(timer);
          resolve({ reply, ms: Date.now() - started });
        });
      });
    const headers = "POST /pyro/fuzz.calc/echo HTTP/1.1\r\nHost: x\r\nX-Padding: " + "p".repeat(500) + "\r\n\r\n";
    const bodyHead = "POST /pyro/fuzz.calc/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n";
    const body = '{"args": ["' + "b".repeat(4990);
    const slow = [...Array.from({ length: 20 }, () => trickle("", headers, 50)), ...Array.from({ length: 10 }, () => trickle(bodyHead, body, 20))];
    // Meanwhile the gateway serves everybody else.
    await wellFormedClient();
    const results = await Promise.all(slow);
    for (const { reply, ms } of results) {
      expect(reply).to.match(/^HTTP\/1\.1 408 /);
      // Header timeout 1 s, request timeout 2 s, checked every second.
      expect(ms).to.be.below(5000);
    }
    alive();
  });

  it("refuses an endless body early with 413 and stays within its memory bound", async function () {
    this.timeout(30_000);
    const before = target.rss();
    const outcome = await new Promise<{ reply: string; sent: number }>((resolve) => {
      const socket = net.connect({ host: "127.0.0.1", port: target.port });
      let reply = "";
      let sent = 0;
      const chunk = Buffer.alloc(64 * 1024, 0x5b);
      socket.on("connect", () => {
        socket.write("POST /pyro/fuzz.calc/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        const pump = () => {
          while (!socket.destroyed && sent < 512 * 2 ** 20) {
            sent += chunk.length;
            if (!socket.write(`${chunk.length.toString(16)}\r\n`) || !socket.write(chunk) || !socket.write("\r\n")) return void socket.once("drain", pump);
          }
          socket.end();
        };
        pump();
      });
      socket.on("data", (data: Buffer) => (reply += data.toString("latin1")));
      socket.on("error", () => undefined);
      socket.on("close", () => resolve({ reply, sent }));
    });
    expect(outcome.reply).to.match(/^HTTP\/1\.1 413 /);
    expect(outcome.sent, "the gateway stopped reading long before 512 MiB").to.be.below(64 * 2 ** 20);
    process.stdout.write(`      endless body: refused after ${mb(outcome.sent)} sent; gateway RSS ${mb(before)} → ${mb(target.rss())}\n`);
    expect(target.rss()).to.be.below(watch.rssLimit);
    await wellFormedClient();
  });

  it("ends with a gateway that is up, clean and within its memory bound", async () => {
    await wellFormedClient();
    alive();
    expect(target.rss()).to.be.below(watch.rssLimit);
  });
});
