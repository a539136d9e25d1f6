/**
 * Fleets of real worker processes (`fleet-worker.js`) registered in a name server, for the pool
 * suites; and a driver that keeps a number of calls in flight through a pool.
 */
import { fileURLToPath } from "node:url";
import { type Spawned, spawnProcess } from "@pyrots/test-support";

const WORKER = fileURLToPath(new URL("./fleet-worker.js", import.meta.url));

/** A running worker process. */
export interface WorkerProcess {
  readonly name: string;
  readonly uri: string;
  readonly proc: Spawned;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (a graceful drain); resolves with its `STOPPED` line's fields once it has exited. */
  drain(): Promise<{ ran: number; finished: string }>;
}

/** Starts a worker registering `name` on the name servers `nsHosts` (`host:port,...`) with a lease of `ttl` s. */
export async function startWorker(
  name: string,
  nsHosts: string,
  options: { ttl?: number; mode?: "single" | "session"; tags?: string[] } = {},
): Promise<WorkerProcess> {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ["PATH", "HOME", "LANG", "TMPDIR"]) if (process.env[key] !== undefined) env[key] = process.env[key];
  const args = [WORKER, name, nsHosts, String(options.ttl ?? 5), options.mode ?? "single", (options.tags ?? []).join(",")];
  const proc = spawnProcess(process.execPath, args, { env });
  try {
    const [, , uri] = (await proc.waitForLine(/^READY (\S+) (\S+)$/, 20_000)) as unknown as [string, string, string];
    return {
      name,
      uri,
      proc,
      async kill() {
        try {
          process.kill(proc.pid, "SIGKILL");
        } catch {
          // already gone
        }
        await proc.exited;
      },
      async drain() {
        process.kill(proc.pid, "SIGTERM");
        const [, ran, finished] = (await proc.waitForLine(/^STOPPED (\d+) (\S+)$/, 30_000)) as unknown as [string, string, string];
        await proc.exited;
        return { ran: Number(ran), finished };
      },
    };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}

/** Starts `count` workers `prefix1..prefixN` at once. */
export function startWorkers(
  prefix: string,
  count: number,
  nsHosts: string,
  options: { ttl?: number; mode?: "single" | "session"; tags?: string[] } = {},
): Promise<WorkerProcess[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => startWorker(`${prefix}${i + 1}`, nsHosts, options)));
}

/** What {@link drive} saw. */
export interface DriveOutcome {
  /** Results by call number. */
  readonly results: Map<number, unknown>;
  /** Failures by call number. */
  readonly failures: Map<number, unknown>;
}

/**
 * Makes calls 0..total-1 with `call(i)`, `concurrency` at a time; `at(done)` runs once when `done`
 * calls have finished (to kill or drain a worker mid-run; awaited before this resolves).
 */
export async function drive(
  total: number,
  concurrency: number,
  call: (i: number) => Promise<unknown>,
  at?: { done: number; run: () => unknown },
): Promise<DriveOutcome> {
  const results = new Map<number, unknown>();
  const failures = new Map<number, unknown>();
  let next = 0;
  let finished = 0;
  let fired: Promise<unknown> | undefined;
  const lane = async () => {
    while (next < total) {
      const i = next++;
      try {
        results.set(i, await call(i));
      } catch (error) {
        failures.set(i, error);
      }
      finished++;
      if (at && !fired && finished >= at.done) fired = Promise.resolve().then(at.run);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  await fired;
  return { results, failures };
}
