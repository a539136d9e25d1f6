/**
 * A daemon to attack from another process (fuzz, fault and load suites): it serves `target`
 * (session mode, see {@link Target}) and prints `URI <uri>` once it listens.
 *
 * Usage: `node target-daemon.js '{"port":0,"iterStreamLinger":0.3}'` — the JSON is passed to
 * `Daemon.create` (host defaults to 127.0.0.1). Run it with `--expose-gc` so that `gc()` and the
 * live-instance count are exact. On SIGTERM it shuts down gracefully and prints `COUNTS <json>`.
 * With `"observe": true` in the JSON it has metrics and tracing (`"metrics"`, `"tracing"`: one of
 * them; see observed-target.ts).
 */
import { Daemon, type DaemonOptions, expose, oneway } from "@pyrots/core";
import { diagnostics, prototypesClean, snapshotPrototypes } from "./diagnostics.js";

snapshotPrototypes();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls and streams counted by the daemon itself, for the suites to compare with their own counts. */
const counts = { callsStarted: 0, callsFinished: 0, onewaysStarted: 0, onewaysFinished: 0, streamsOpened: 0, streamsFinished: 0, sessionsCreated: 0 };
// Collected session instances leave this registry: `liveSessions` counts what is still reachable.
let liveSessions = 0;
const collected = new FinalizationRegistry<void>(() => liveSessions--);
let daemon: Daemon;

/** The converter of the application class `fuzz.Point`: checks what it gets, as converters must. */
function pointFromDict(data: Record<string, unknown>): { x: number; y: number } {
  if (typeof data.x !== "number" || typeof data.y !== "number") throw new TypeError("a fuzz.Point needs numbers x and y");
  return { x: data.x, y: data.y };
}

@expose
class Target {
  constructor() {
    counts.sessionsCreated++;
    liveSessions++;
    collected.register(this, undefined);
  }

  echo(value: unknown): unknown {
    return value;
  }

  add(a: number, b: number): number {
    return a + b;
  }

  /** A counted call that takes `ms` milliseconds. */
  async work(ms: number): Promise<number> {
    counts.callsStarted++;
    await sleep(ms);
    counts.callsFinished++;
    return ms;
  }

  async slow(ms: number): Promise<string> {
    await sleep(ms);
    return "slow";
  }

  @oneway
  async note(ms: number): Promise<void> {
    counts.onewaysStarted++;
    await sleep(ms);
    counts.onewaysFinished++;
  }

  *count(n: number): Generator<number> {
    counts.streamsOpened++;
    try {
      for (let i = 0; i < n; i++) yield i;
    } finally {
      counts.streamsFinished++;
    }
  }

  async *ticks(n: number, stepMs: number): AsyncGenerator<number> {
    counts.streamsOpened++;
    try {
      for (let i = 0; i < n; i++) {
        await sleep(stepMs);
        yield i;
      }
    } finally {
      counts.streamsFinished++;
    }
  }

  get region(): string {
    return "eu";
  }

  /** Offending keys found on the built-in prototypes (empty when nothing was polluted). */
  prototypesClean(): string[] {
    return prototypesClean();
  }

  /** Memory, connections, sessions, streams and active handles of this process. */
  diagnostics(collect = false): Record<string, unknown> {
    if (collect) (globalThis as { gc?: () => void }).gc?.();
    return { ...diagnostics(daemon), counts: { ...counts }, liveSessions };
  }

  /** Starts a graceful shutdown (not awaited: this call is answered first). */
  @oneway
  shutdown(): void {
    setTimeout(() => void daemon.shutdown(), 0);
  }

  _private(): string {
    return "never reachable";
  }
}

const { observe, ...options } = JSON.parse(process.argv[2] ?? "{}") as DaemonOptions & { observe?: true | "metrics" | "tracing" };
const instruments = observe ? await (await import("./observed-target.js")).observedInstruments(observe) : undefined;
daemon = await Daemon.create({
  host: "127.0.0.1",
  // An application class (hostile data reaches its converter, which must refuse what it cannot
  // use) and daemon-wide reply annotations, so that attacks go through both.
  dictToClass: { "fuzz.Point": pointFromDict },
  responseAnnotations: () => ({ FUZZ: "daemon-wide" }),
  ...options,
  instruments,
});
const uri = daemon.register(Target, "target");
process.once("SIGTERM", () => void daemon.shutdown());
process.stdout.write(`URI ${uri}\n`);
await daemon.requestLoop();
process.stdout.write(`COUNTS ${JSON.stringify(counts)}\n`);
