/**
 * A fleet worker for the pool suites: a daemon serving {@link FleetWorker}, registered in the name
 * service with `registerName` (bound to a lease of TTL seconds), stopped gracefully on SIGTERM
 * (`shutdownOnSignals`: names withdrawn, then a drain). Prints `READY <name> <uri>` when
 * registered and, on a graceful stop, `STOPPED <calls run> <drain finished>`.
 *
 *   node fleet-worker.js NAME NS_HOSTS TTL [single|session] [TAG,...]
 *
 * NS_HOSTS is `host:port[,host:port...]` (replicas). Nothing is read from the environment.
 */
import { Daemon, behavior, expose, idempotent, oneway, shutdownOnSignals } from "@pyrots/core";

const [name, nsHosts, ttlText, mode = "single", tagText = ""] = process.argv.slice(2);
if (!name || !nsHosts || !ttlText) {
  process.stderr.write("usage: fleet-worker.js NAME NS_HOSTS TTL [single|session] [TAG,...]\n");
  process.exit(2);
}

/** Every call this process ran, by kind. */
const ran = { work: [] as number[], record: [] as number[] };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@expose
class FleetWorker {
  private readonly session = Math.random().toString(36).slice(2, 8);

  /** Safe to repeat: it only computes its answer. */
  @idempotent
  async work(id: number, ms = 0): Promise<{ id: number; worker: string }> {
    ran.work.push(id);
    if (ms > 0) await sleep(ms);
    return { id, worker: name! };
  }

  /** Not safe to repeat (as far as the pool knows): it records that it ran. */
  async record(id: number, ms = 0): Promise<{ id: number; worker: string }> {
    ran.record.push(id);
    if (ms > 0) await sleep(ms);
    return { id, worker: name! };
  }

  /** A remote iterator: each item says which worker made it. */
  *ticks(n: number): Generator<string> {
    for (let i = 0; i < n; i++) yield `${name}:${i}`;
  }

  /** Oneway: counted as a record call. */
  @oneway
  note(id: number): void {
    ran.record.push(id);
  }

  whoami(): string {
    return `${name}/${this.session}`;
  }

  /** How many calls of each kind ran here. */
  counts(): { work: number; record: number } {
    return { work: ran.work.length, record: ran.record.length };
  }
}

@behavior({ instanceMode: "single" })
class SingleWorker extends FleetWorker {}

@behavior({ instanceMode: "session" })
class SessionWorker extends FleetWorker {}

const daemon = await Daemon.create({
  host: "127.0.0.1",
  port: 0,
  env: {},
  nsDiscovery: [],
  onLeaseEvent: (event) => process.stderr.write(`lease ${event.type}: ${event.detail}\n`),
});
const served = mode === "session" ? SessionWorker : SingleWorker;
const tags = tagText === "" ? [] : tagText.split(",");
const uri = await daemon.registerName(name, served, {
  ttl: Number(ttlText),
  metadata: tags,
  nameServer: { nsHost: nsHosts },
});
shutdownOnSignals(daemon, { onSignal: () => undefined });
process.stdout.write(`READY ${name} ${uri}\n`);
await daemon.requestLoop();
process.stdout.write(`STOPPED ${ran.work.length + ran.record.length} ${daemon.drainOutcome?.finished ?? "none"}\n`);
