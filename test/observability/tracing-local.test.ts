/**
 * Tracing details seen in one process, with tracer providers of the suite's own (nothing global is
 * registered here): every client span ends, however its call ends (an abort before sending, a
 * value that cannot be serialized, a oneway call); a `TRCE` the caller sets itself is sent as it
 * is; a proxy without the instrument sends none; a daemon span carries the daemon's own names.
 */
import { expect } from "chai";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { Daemon, Proxy, currentContext, expose, oneway, withOptions } from "@pyrots/core";
import { coreOf } from "@pyrots/core/internal";
import { openTelemetryTracing } from "@pyrots/observability";

@expose
class Echo {
  annotations(): Record<string, string> {
    const seen: Record<string, string> = {};
    for (const [id, value] of currentContext().annotations) seen[id] = Buffer.from(value).toString("latin1");
    return seen;
  }
  echo(value: unknown): unknown {
    return value;
  }
  @oneway quiet(): void {}
}

interface EchoApi {
  annotations(): Record<string, string>;
  echo(value: unknown): unknown;
  quiet(): void;
}

function localTracing() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, tracing: openTelemetryTracing({ tracerProvider }) };
}

describe("tracing in one process", function () {
  this.timeout(20_000);

  it("ends every client span: an abort before sending, an unserializable argument, a oneway call", async () => {
    const { exporter, tracing } = localTracing();
    await using daemon = await Daemon.create({ host: "127.0.0.1" });
    await using proxy = new Proxy<EchoApi>(daemon.register(Echo, "echo"), { instruments: [tracing] });
    await proxy.quiet();
    const aborted = AbortSignal.abort(new Error("given up"));
    await withOptions(proxy, { signal: aborted })
      .echo(1)
      .then(
        () => expect.fail("an aborted call resolved"),
        (error: Error) => expect(error.message).to.equal("given up"),
      );
    await proxy.echo(Symbol("not data")).then(
      () => expect.fail("a symbol was sent"),
      () => undefined,
    );
    await new Promise((resolve) => setImmediate(resolve));
    const spans = exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.CLIENT);
    expect(spans.map((span) => [span.name, span.status.code])).to.deep.equal([
      ["echo/quiet", SpanStatusCode.UNSET],
      ["echo/echo", SpanStatusCode.ERROR],
      ["echo/echo", SpanStatusCode.ERROR],
    ]);
    expect(spans[0]!.attributes["pyro.oneway"]).to.equal(true);
  });

  it("sends the span's context in TRCE, keeps a TRCE the caller set, and a proxy without the instrument sends none", async () => {
    const { exporter, tracing } = localTracing();
    await using daemon = await Daemon.create({ host: "127.0.0.1" });
    const uri = daemon.register(Echo, "echo");
    await using traced = new Proxy<EchoApi>(uri, { instruments: [tracing] });
    const sent = await traced.annotations();
    const span = exporter.getFinishedSpans().find((s) => s.name === "echo/annotations")!;
    expect(sent).to.deep.equal({ TRCE: `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01` });
    const own = "00-11111111111111111111111111111111-2222222222222222-00";
    expect(await withOptions(traced, { annotations: { TRCE: own } }).annotations()).to.deep.equal({ TRCE: own });
    await using plain = new Proxy<EchoApi>(uri);
    expect(await plain.annotations()).to.deep.equal({});
  });

  it("names daemon spans with the daemon's own names: a made-up method is <unknown>", async () => {
    const { exporter, tracing } = localTracing();
    await using daemon = await Daemon.create({ host: "127.0.0.1", instruments: [tracing] });
    await using proxy = new Proxy<EchoApi>(daemon.register(Echo, "echo"));
    await proxy.echo(1);
    await coreOf(proxy)
      .callObject("echo", "no_such_method_abc", [], false)
      .catch(() => undefined);
    const served = exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.SERVER);
    expect(served.map((span) => [span.name, span.status.code])).to.deep.equal([
      ["echo/echo", SpanStatusCode.UNSET],
      ["echo/<unknown>", SpanStatusCode.ERROR],
    ]);
    expect(served[1]!.attributes["error.type"]).to.equal("builtins.AttributeError");
    expect(served[1]!.events, "the refusal quotes the client's name: it is not recorded").to.deep.equal([]);
  });
});
