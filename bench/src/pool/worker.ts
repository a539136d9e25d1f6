/**
 * A pool bench worker: a pyrots daemon on 127.0.0.1 serving `add` (trivial) and `work` (a CPU task
 * of about `n` microseconds); prints `URI <uri>` and runs until stdin closes or SIGTERM.
 *
 *   node bench/dist/pool/worker.js
 */
import { Daemon, behavior, expose, idempotent } from "@pyrots/core";

@behavior({ instanceMode: "single" })
@expose
class BenchWorker {
  add(a: number, b: number): number {
    return a + b;
  }

  /** Spins about `micros` µs of CPU, then returns `micros`. */
  @idempotent
  work(micros: number): number {
    const until = performance.now() + micros / 1000;
    while (performance.now() < until);
    return micros;
  }
}

const daemon = await Daemon.create({ host: "127.0.0.1", port: 0, env: {} });
process.stdout.write(`URI ${daemon.register(BenchWorker, "bench.worker")}\n`);
const stop = () => void daemon.shutdown({ drainTimeout: 1 });
process.stdin.on("end", stop).resume();
process.once("SIGTERM", stop);
await daemon.requestLoop();
