/**
 * Fuzzing a daemon that traces and counts (`target-daemon.js '{"observe": true}'`: the
 * OpenTelemetry and Prometheus instruments, with the OpenTelemetry SDK registered): hostile `TRCE`
 * trace context annotations (trace-cases.ts) and mutations of captured traffic that carries them.
 * The daemon must stay up and correct as in daemon.test.ts, and its metrics must stay bounded:
 * whatever methods and objects the cases made up, no label set holds a name it does not serve.
 */
import { expect } from "chai";
import { type DaemonOptions, Proxy, withOptions } from "@pyrots/core";
import { scrape } from "../support/prometheus.js";
import { type TargetShape, mutatedCase } from "./cases.js";
import { type FrameSpec, splitFrames } from "./frames.js";
import { SHARES, captureClientStreams, fuzzCases, liveTarget } from "./harness.js";
import { traceAnnotationCase } from "./trace-cases.js";

const TOTAL = Math.ceil(fuzzCases(3000) * SHARES.observed);
const SHAPE: TargetShape = { objectId: "target", methods: ["echo", "add", "count", "region", "prototypesClean", "_private", "note"] };
const VALID_TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\ncongo=t61rcWkgMzE,rojo=00f067aa0ba902b7";

interface TargetApi {
  echo(value: unknown): Promise<unknown>;
  add(a: number, b: number): Promise<number>;
  count(n: number): AsyncIterable<number>;
  note(ms: number): Promise<void>;
  prototypesClean(): Promise<string[]>;
}

describe("fuzzing a traced and metered daemon (child process)", function () {
  let metricsUrl: string;
  let corpus: FrameSpec[][];
  const target = liveTarget<TargetApi>("observed daemon", {
    options: { observe: true } as DaemonOptions,
    announces: ["METRICS "],
    async prepare({ daemon }) {
      metricsUrl = /^METRICS (\S+)$/.exec(daemon.proc.lines.find((line) => line.startsWith("METRICS "))!)![1]!;
      const streams = await captureClientStreams(daemon.port, async (relayPort) => {
        for (const serializer of ["msgpack", "json"] as const) {
          await using p = new Proxy<TargetApi>(`PYRO:target@127.0.0.1:${relayPort}`, { serializer });
          const traced = withOptions(p, { annotations: { TRCE: VALID_TRACE } });
          await traced.echo({ traced: true });
          await traced.add(2, 3);
          for await (const item of traced.count(2)) void item;
          await traced.note(0);
        }
      });
      corpus = streams.map(splitFrames);
    },
    async check({ checker }, i) {
      const traced = withOptions(checker, { annotations: { TRCE: VALID_TRACE } });
      expect(await traced.echo({ i })).to.deep.equal({ i });
      expect(await checker.add(i, 1)).to.equal(i + 1);
      expect(await checker.prototypesClean()).to.deep.equal([]);
    },
  });
  const fuzz = (arbitrary: Parameters<typeof target.fuzz>[0], share: number) => target.fuzz(arbitrary, TOTAL * share);

  it("survives hostile TRCE annotations: near-miss traceparents, odd tracestates, control bytes, huge and repeated values", async function () {
    this.timeout(0);
    await fuzz(traceAnnotationCase(SHAPE), 0.6);
  });

  it("survives mutations of captured traffic that carries trace context", async function () {
    this.timeout(0);
    await fuzz(mutatedCase(corpus), 0.4);
  });

  it("ends up, clean, with metrics whose labels name only what the daemon serves", async function () {
    this.timeout(30_000);
    const result = await scrape(metricsUrl);
    const served = new Set([...SHAPE.methods, "diagnostics", "shutdown", "ticks", "work", "slow", "__getattr__", "__setattr__", "<batch>", "<unknown>"]);
    const daemonMethods = new Set(["get_next_stream_item", "get_next_stream_items", "close_stream", "get_metadata", "ping", "info", "registered"]);
    for (const method of result.labelValues("pyrots_daemon_calls_total", "method")) {
      expect(served.has(method) || daemonMethods.has(method), `method label ${JSON.stringify(method)}`).to.equal(true);
    }
    expect([...result.labelValues("pyrots_daemon_calls_total", "object")].sort()).to.satisfy((objects: string[]) =>
      objects.every((o) => ["target", "Pyro.Daemon", "<unknown>"].includes(o)),
    );
    expect(result.sum("pyrots_daemon_calls_total")).to.be.greaterThan(0);
    expect(target.daemon.proc.stderr(), "the daemon's stderr").not.to.match(/uncaught|unhandled|fatal/i);
  });
});
