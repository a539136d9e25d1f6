/**
 * Runs many scenario runs at once on a small machine: a weighted limit on concurrent runs, the
 * heaviest first (the suite's length is set by its longest runs), each result shared by whoever
 * asks for it.
 */
import { cpus } from "node:os";
import { type RunResult, runScenario } from "./run.js";
import type { Scenario, Variant } from "./scenario.js";

/** How much may run at once: `COMPAT_JOBS`, else 3 per CPU (most of a run is waiting). */
export function defaultCapacity(): number {
  const configured = Number(process.env.COMPAT_JOBS);
  return Number.isInteger(configured) && configured > 0 ? configured : Math.max(4, cpus().length * 3);
}

interface Job {
  scenario: Scenario;
  variant: Variant;
  weight: number;
  resolve: (result: RunResult) => void;
}

/** Schedules runs; `result()` gives each run's promise (which never rejects). */
export class RunScheduler {
  private readonly results = new Map<string, Promise<RunResult>>();
  private readonly queue: Job[] = [];
  private readonly running = new Set<Promise<RunResult>>();
  private load = 0;

  constructor(private readonly capacity = defaultCapacity()) {}

  /** Queues the runs (heaviest first) and starts as many as fit. */
  schedule(runs: readonly { scenario: Scenario; variant: Variant }[]): void {
    const jobs = runs.map(({ scenario, variant }) => {
      let resolve!: (result: RunResult) => void;
      this.results.set(keyOf(scenario, variant), new Promise<RunResult>((r) => (resolve = r)));
      return { scenario, variant, weight: Math.min(scenario.weight ?? 1, this.capacity), resolve };
    });
    this.queue.push(...jobs.sort((a, b) => b.weight - a.weight));
    this.pump();
  }

  /** The result of a scheduled run. */
  result(scenario: Scenario, variant: Variant): Promise<RunResult> {
    const result = this.results.get(keyOf(scenario, variant));
    if (!result) throw new Error(`${scenario.name} (${variant}) was not scheduled`);
    return result;
  }

  /**
   * Drops the runs not started yet and waits for the others: when mocha runs some of the tests
   * only (`--grep`), runs nobody asked for must not outlive the suite.
   */
  async stop(): Promise<void> {
    this.queue.length = 0;
    await Promise.all(this.running);
  }

  private run(job: Job): Promise<RunResult> {
    const running = runJob(job);
    this.running.add(running);
    void running.then(() => this.running.delete(running));
    return running;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const index = this.queue.findIndex((job) => this.load + job.weight <= this.capacity);
      if (index < 0) return;
      const job = this.queue.splice(index, 1)[0]!;
      this.load += job.weight;
      void this.run(job).then((result) => {
        this.load -= job.weight;
        job.resolve(result);
        this.pump();
      });
    }
  }
}

/** Runs a job; a timing-sensitive scenario's failed run gets a second chance. */
async function runJob(job: Job): Promise<RunResult> {
  const result = await runScenario(job.scenario, job.variant);
  if (!result.failure || !job.scenario.timingSensitive) return result;
  console.log(
    `compat: ${job.scenario.name} (${job.variant}) failed (${result.failure.split("\n")[0]}): running it once more (${job.scenario.timingSensitive})`,
  );
  return runScenario(job.scenario, job.variant);
}

function keyOf(scenario: Scenario, variant: Variant): string {
  return `${scenario.name}\u0000${variant}`;
}
