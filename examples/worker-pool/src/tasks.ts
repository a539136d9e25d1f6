/**
 * The work of the worker-pool example: tasks, the worker object that runs them, and the check the
 * producer makes on every result.
 */
import { createHash } from "node:crypto";
import { behavior, expose, idempotent } from "@pyrots/core";

/** Workers register under this prefix: `example.pool.worker.1`, `.2`, ... */
export const WORKER_PREFIX = "example.pool.worker.";

/** One task: hash `payload` `rounds` times (5 to 40 rounds, so tasks are uneven). */
export interface Task {
  readonly id: number;
  readonly payload: string;
  readonly rounds: number;
}

/** What a worker answers for a task. */
export interface TaskResult {
  readonly id: number;
  readonly digest: string;
  readonly worker: string;
}

/** What the producer sees of a worker. */
export interface TaskWorkerApi {
  run(task: Task): Promise<TaskResult>;
  stats(): Promise<{ name: string; ran: number }>;
}

/** The digest a task must come back with (the producer checks every result against it). */
export function digestOf(task: Task): string {
  let digest = Buffer.from(task.payload);
  for (let i = 0; i < task.rounds; i++) digest = createHash("sha256").update(digest).digest();
  return digest.toString("hex").slice(0, 16);
}

/** The task with number `id` (deterministic, so a run can be repeated). */
export function makeTask(id: number): Task {
  return { id, payload: `task-${id}`, rounds: 5 + ((id * 7919) % 36) };
}

/**
 * Runs tasks. `run` is `@idempotent`: running a task twice gives the same result and changes
 * nothing else, so a pool may send it again when the worker it went to dies mid-call. One instance
 * serves every client (`single`): the counter is the worker's.
 */
@behavior({ instanceMode: "single" })
@expose
export class TaskWorker implements TaskWorkerApi {
  private ran = 0;

  constructor(private readonly name: string) {}

  @idempotent
  async run(task: Task): Promise<TaskResult> {
    this.ran++;
    return { id: task.id, digest: digestOf(task), worker: this.name };
  }

  async stats(): Promise<{ name: string; ran: number }> {
    return { name: this.name, ran: this.ran };
  }

  /** Tasks run so far (for the worker's own exit line). */
  get count(): number {
    return this.ran;
  }
}
