/**
 * An HTTP gateway to attack from another process (the fuzz suite): a name server, a daemon serving
 * `fuzz.calc` and `fuzz.diag`, and a gateway in front of them exposing `fuzz.*`, all on 127.0.0.1,
 * with small limits so that slow and oversized requests are cut off quickly. Prints
 * `GATEWAY <base url>` once it listens.
 *
 * Usage: `node target-gateway.js '{"maxBody":65536}'`: the JSON is laid over the gateway options.
 * An unhandled rejection or uncaught exception is reported on stderr and ends the process (exit
 * 70), so that the suite notices it at once.
 */
import { Daemon, PythonError, expose, oneway } from "@pyrots/core";
import { startNameServer } from "@pyrots/nameserver";
import { type GatewayOptions, startGateway } from "@pyrots/web";
import { diagnostics, prototypesClean, snapshotPrototypes } from "./diagnostics.js";

snapshotPrototypes();
for (const event of ["unhandledRejection", "uncaughtException"] as const) {
  process.on(event, (error: unknown) => {
    process.stderr.write(`${event}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(70);
  });
}

@expose
class FuzzCalc {
  echo(value: unknown): unknown {
    return value;
  }
  add(a: number, b: number): number {
    return a + b;
  }
  divide(a: number, b: number): number {
    if (b === 0) throw new PythonError("builtins.ZeroDivisionError", "division by zero");
    return a / b;
  }
  *ticks(n: number): Generator<number> {
    for (let i = 0; i < Math.min(Number(n) || 0, 1000); i++) yield i;
  }
  async slow(ms: number): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, Math.min(Number(ms) || 0, 3000)));
    return ms;
  }
  @oneway note(): void {}
  get model(): string {
    return "fuzz";
  }
}

let daemon: Daemon;
/** Oneway calls whose arguments the method refused (hostile requests make many): counted, not printed. */
let onewayErrors = 0;

@expose
class FuzzDiag {
  /** Offending keys found on the built-in prototypes (empty when nothing was polluted). */
  prototypesClean(): string[] {
    return prototypesClean();
  }
  /** Memory and handles of this process. */
  diagnostics(collect = false): Record<string, unknown> {
    if (collect) (globalThis as { gc?: () => void }).gc?.();
    return { ...diagnostics(daemon), onewayErrors };
  }
}

const overrides = JSON.parse(process.argv[2] ?? "{}") as GatewayOptions;
const ns = await startNameServer({ host: "127.0.0.1", port: 0, broadcast: false, mdns: false });
// Hostile requests call the oneway note() with any arguments: its errors are expected and counted,
// not printed (the suite wants this process's stderr empty).
daemon = await Daemon.create({ host: "127.0.0.1", onOnewayError: () => onewayErrors++ });
await ns.nameserver.register("fuzz.calc", daemon.register(FuzzCalc, "calc"), false, ["fuzz"]);
await ns.nameserver.register("fuzz.diag", daemon.register(FuzzDiag, "diag"));
const gateway = await startGateway({
  host: "127.0.0.1",
  port: 0,
  expose: "fuzz\\.",
  nameServer: { host: "127.0.0.1", port: ns.daemon.port! },
  maxBody: 64 * 1024,
  maxDepth: 32,
  timeout: 2,
  headersTimeout: 1,
  requestTimeout: 2,
  ...overrides,
});
process.once("SIGTERM", () => {
  void (async () => {
    await gateway.close();
    await daemon.shutdown();
    await ns.close();
  })();
});
process.stdout.write(`GATEWAY ${gateway.url}\n`);
