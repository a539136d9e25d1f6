/**
 * A traced worker process for the tracing suites (run with `--import otel-setup.js`): a daemon
 * serving `worker` and a second one serving `helper`, both with the OpenTelemetry instrument.
 * `worker.work(sink, n)` calls the caller's callback object back `n` times, `worker.relay(x)`
 * calls `helper.echo(x)` through a traced proxy, `worker.note` is oneway, `worker.fail` raises.
 *
 * Usage: `node --import otel-setup.js traced-worker.js [NSHOST:NSPORT]`; with a name server it
 * registers `example.worker`. Prints `URI <uri>`; stops on SIGTERM (and then writes its spans).
 */
import { Daemon, Proxy, type Remote, expose, oneway } from "@pyrots/core";
import { openTelemetryTracing } from "@pyrots/observability";

const tracing = openTelemetryTracing();

interface SinkApi {
  progress(step: number): void;
}

@expose
class Helper {
  echo(value: unknown): unknown {
    return value;
  }
}

const helperDaemon = await Daemon.create({ host: "127.0.0.1", instruments: [tracing] });
const helper = new Proxy<{ echo(value: unknown): unknown }>(helperDaemon.register(new Helper(), "helper"), { instruments: [tracing] });

@expose
class Worker {
  async work(sink: Remote<SinkApi>, steps: number): Promise<number> {
    for (let step = 0; step < steps; step++) await sink.progress(step);
    return steps;
  }
  async relay(value: unknown): Promise<unknown> {
    return helper.echo(value);
  }
  @oneway note(_text: string): void {}
  fail(): never {
    throw new RangeError("worker failed on purpose");
  }
}

const daemon = await Daemon.create({ host: "127.0.0.1", instruments: [tracing] });
const uri = daemon.register(new Worker(), "worker");
const nameServer = process.argv[2];
if (nameServer !== undefined) {
  await using ns = new Proxy<{ register(name: string, uri: string): void }>(`PYRO:Pyro.NameServer@${nameServer}`);
  await ns.register("example.worker", uri.toString());
}
process.once("SIGTERM", () => {
  void (async () => {
    await helper[Symbol.asyncDispose]();
    await daemon.shutdown();
    await helperDaemon.shutdown();
    process.exit(0);
  })();
});
process.stdout.write(`URI ${uri}\n`);
