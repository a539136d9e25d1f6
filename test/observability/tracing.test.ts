/**
 * OpenTelemetry tracing across processes, each with the SDK's in-memory exporter writing its spans
 * as JSON lines (see support/otel-setup.ts): a client process, a worker daemon process calling the
 * client back, and `pyro-httpgateway --tracing` between an HTTP caller (with a W3C `traceparent`
 * header, as a browser sends it) and the worker. One trace follows each call through every process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { startNameServer } from "@pyrots/nameserver";
import { type Spawned, spawnProcess } from "../support/process.js";
import { CLIENT, SERVER, Spans } from "../support/spans.js";

const support = (name: string) => fileURLToPath(new URL(`../support/${name}`, import.meta.url));
const OTEL_SETUP = support("otel-setup.js");
const GATEWAY_BIN = fileURLToPath(new URL("../../../packages/web/dist/bin/httpgateway.js", import.meta.url));

/** Starts `script args` with the OpenTelemetry SDK, its spans going to `dir/<name>.jsonl`. */
function traced(dir: string, name: string, script: string, args: string[]): { proc: Spawned; file: string } {
  const file = join(dir, `${name}.jsonl`);
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("PYRO_"))),
    OTEL_SPANS_FILE: file,
    OTEL_PROCESS_NAME: name,
  };
  return { proc: spawnProcess(process.execPath, ["--import", OTEL_SETUP, script, ...args], { env }), file };
}

describe("tracing across processes (OpenTelemetry, trace context in the TRCE annotation)", function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "pyrots-tracing-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("client span → daemon span → callback client span → the client's callback server span; oneway calls linked", async () => {
    const worker = traced(dir, "worker", support("traced-worker.js"), []);
    let client: ReturnType<typeof traced> | undefined;
    try {
      const [, uri] = (await worker.proc.waitForLine(/^URI (\S+)$/, 20_000)) as unknown as [string, string];
      client = traced(dir, "client", support("traced-client.js"), [uri]);
      await client.proc.waitForLine(/^DONE$/, 20_000);
      expect((await client.proc.exited).code, client.proc.stderr()).to.equal(0);
    } finally {
      await client?.proc.stop();
      await worker.proc.stop();
    }
    const spans = Spans.read(client!.file, worker.file);

    const scenario = spans.one("client", "scenario", 0);
    const call = spans.one("client", "worker/work", CLIENT);
    expect(call.parentSpanId).to.equal(scenario.spanId);
    expect(call.attributes).to.include({ "rpc.system": "pyro", "rpc.service": "worker", "rpc.method": "work", "server.address": "127.0.0.1" });
    const served = spans.one("worker", "worker/work", SERVER);
    expect([served.traceId, served.parentSpanId], spans.describe()).to.deep.equal([scenario.traceId, call.spanId]);
    const callbacks = spans.find("worker", "sink/progress", CLIENT);
    expect(callbacks).to.have.length(2);
    for (const callback of callbacks) {
      expect(callback.parentSpanId, "the callback is made inside the served call").to.equal(served.spanId);
      const back = spans.all.find((span) => span.process === "client" && span.kind === SERVER && span.parentSpanId === callback.spanId);
      expect(back?.name, spans.describe()).to.equal("sink/progress");
      expect(back!.traceId).to.equal(scenario.traceId);
    }

    const note = spans.one("client", "worker/note", CLIENT);
    expect(note.attributes["pyro.oneway"]).to.equal(true);
    const noted = spans.one("worker", "worker/note", SERVER);
    expect(noted.parentSpanId, "a oneway call starts a trace of its own").to.equal(undefined);
    expect(noted.traceId).not.to.equal(note.traceId);
    expect(noted.links).to.deep.equal([{ traceId: note.traceId, spanId: note.spanId }]);

    const failedCall = spans.one("client", "worker/fail", CLIENT);
    const failed = spans.one("worker", "worker/fail", SERVER);
    expect(failed.parentSpanId).to.equal(failedCall.spanId);
    for (const span of [failed, failedCall]) {
      expect(span.status).to.equal(2);
      expect(span.attributes["error.type"]).to.equal("builtins.ValueError");
    }
  });

  it("an HTTP caller's traceparent → pyro-httpgateway --tracing → worker → the worker's own downstream call", async () => {
    await using ns = await startNameServer({ host: "127.0.0.1", port: 0, broadcast: false, mdns: false });
    const nsAddress = `127.0.0.1:${ns.daemon.port}`;
    const worker = traced(dir, "worker", support("traced-worker.js"), [nsAddress]);
    const gateway = traced(dir, "gateway", GATEWAY_BIN, [
      "-H",
      "127.0.0.1",
      "-p",
      "0",
      "-n",
      "127.0.0.1",
      "--ns-port",
      String(ns.daemon.port),
      "-e",
      "example\\.",
      "--tracing",
    ]);
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const parentId = "00f067aa0ba902b7";
    try {
      await worker.proc.waitForLine(/^URI (\S+)$/, 20_000);
      const [, base] = (await gateway.proc.waitForLine(/^Console: (\S+)console\/$/, 20_000)) as unknown as [string, string];
      expect(gateway.proc.lines).to.include("Tracing: OpenTelemetry (spans go to the global tracer provider)");
      const post = (traceparent: string) =>
        fetch(`${base}pyro/example.worker/relay`, {
          method: "POST",
          headers: { "Content-Type": "application/json", traceparent, tracestate: "vendor=abc" },
          body: JSON.stringify({ args: [traceparent.slice(0, 8)] }),
        });
      const answer = await post(`00-${traceId}-${parentId}-01`);
      expect(await answer.json()).to.equal("00-4bf92");
      // A hostile header is no trace context: the call is served, as a new trace.
      expect(await (await post(`00-${"0".repeat(32)}-${parentId}-01`)).json()).to.equal("00-00000");
    } finally {
      await gateway.proc.stop();
      await worker.proc.stop();
    }
    const spans = Spans.read(gateway.file, worker.file);
    const [entry, hostile] = spans.find("gateway", "example.worker/relay", SERVER);
    expect([entry?.traceId, entry?.parentSpanId], spans.describe()).to.deep.equal([traceId, parentId]);
    expect(entry!.attributes).to.include({ "http.response.status_code": 200, "rpc.service": "example.worker", "rpc.method": "relay" });
    const served = spans.childrenOf(entry!);
    expect(served.map((span) => [span.process, span.name, span.kind])).to.deep.equal([["worker", "worker/relay", SERVER]]);
    const downstream = spans.childrenOf(served[0]!);
    expect(downstream.map((span) => [span.name, span.kind])).to.deep.equal([["helper/echo", CLIENT]]);
    expect(spans.childrenOf(downstream[0]!).map((span) => [span.name, span.kind])).to.deep.equal([["helper/echo", SERVER]]);
    expect(hostile!.parentSpanId).to.equal(undefined);
    expect(hostile!.traceId).not.to.equal(traceId);
    expect(spans.childrenOf(hostile!).map((span) => span.name)).to.deep.equal(["worker/relay"]);
  });
});
