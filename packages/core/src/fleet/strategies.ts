/**
 * How a pool chooses the worker for a call, among those it may use right now (breaker closed, not
 * draining, not already tried by this call):
 *
 * | strategy          | picks                                                                      |
 * | ----------------- | -------------------------------------------------------------------------- |
 * | `round-robin`     | each in turn (9 calls over 3 workers: 3 each)                              |
 * | `random`          | uniformly at random                                                        |
 * | `least-in-flight` | the one with the fewest calls in flight from this pool; ties in turn (the default: a busy worker gets no more work until it catches up) |
 * | `latency`         | the lowest recent latency (moving average) × (calls in flight + 1); a worker with no sample yet first |
 * | `shard`           | the owner of the call's shard key on a consistent-hash ring of all members; when the owner is unavailable, the next one clockwise (the same substitute in every client); calls without a key go round |
 *
 * Candidates come in a stable order (by name), so "in turn" means the same cycle in every client.
 */
import type { RandomSource } from "./clock.js";
import { HashRing } from "./hash-ring.js";

/** The names of the strategies. */
export type StrategyName = "round-robin" | "random" | "least-in-flight" | "latency" | "shard";

/** Every strategy name, for option checks. */
export const STRATEGY_NAMES: readonly StrategyName[] = Object.freeze(["round-robin", "random", "least-in-flight", "latency", "shard"]);

/** What a strategy knows of a worker. */
export interface Candidate {
  /** The worker's name (its registered name, or its URI). */
  readonly name: string;
  /** Calls from this pool in flight on it. */
  readonly inFlight: number;
  /** Moving average of its recent call latencies in ms; undefined before the first. */
  readonly latencyMs: number | undefined;
}

/** The workers a call may go to: a list in name order, and a lookup by name. */
export interface CandidateSet<C extends Candidate = Candidate> {
  readonly list: readonly C[];
  has(name: string): boolean;
  get(name: string): C | undefined;
}

/** A way of choosing a worker. */
export interface Strategy {
  readonly name: StrategyName;
  /** The worker for a call (`key`: its shard key, for `shard`); undefined when `candidates` is empty. */
  pick<C extends Candidate>(candidates: CandidateSet<C>, key: string | undefined): C | undefined;
  /** The pool's members changed (all of them, available or not): the ring follows. */
  membersChanged(names: readonly string[]): void;
}

/** Makes the strategy called `name`. */
export function makeStrategy(name: StrategyName, random: RandomSource): Strategy {
  switch (name) {
    case "round-robin":
      return new RoundRobin();
    case "random":
      return new RandomPick(random);
    case "least-in-flight":
      return new LeastInFlight();
    case "latency":
      return new LowestLatency();
    case "shard":
      return new Shard();
  }
}

class RoundRobin implements Strategy {
  readonly name = "round-robin";
  private next = 0;
  pick<C extends Candidate>(candidates: CandidateSet<C>): C | undefined {
    const list = candidates.list;
    if (list.length === 0) return undefined;
    const index = this.next++ % list.length;
    if (this.next >= 0x3fffffff) this.next = 0;
    return list[index];
  }
  membersChanged(): void {}
}

class RandomPick implements Strategy {
  readonly name = "random";
  constructor(private readonly random: RandomSource) {}
  pick<C extends Candidate>(candidates: CandidateSet<C>): C | undefined {
    const list = candidates.list;
    return list.length === 0 ? undefined : list[Math.min(list.length - 1, Math.floor(this.random() * list.length))];
  }
  membersChanged(): void {}
}

/** Scans from a rotating start, so that among equally good workers each gets its turn. */
abstract class LowestScore implements Strategy {
  abstract readonly name: StrategyName;
  private start = 0;
  protected abstract score(candidate: Candidate): number;
  pick<C extends Candidate>(candidates: CandidateSet<C>): C | undefined {
    const list = candidates.list;
    const n = list.length;
    if (n === 0) return undefined;
    const start = this.start++ % n;
    if (this.start >= 0x3fffffff) this.start = 0;
    let best = list[start]!;
    let bestScore = this.score(best);
    for (let i = 1; i < n && bestScore > 0; i++) {
      const candidate = list[(start + i) % n]!;
      const score = this.score(candidate);
      if (score < bestScore) {
        best = candidate;
        bestScore = score;
      }
    }
    return best;
  }
  membersChanged(): void {}
}

class LeastInFlight extends LowestScore {
  readonly name = "least-in-flight";
  protected score(candidate: Candidate): number {
    return candidate.inFlight;
  }
}

class LowestLatency extends LowestScore {
  readonly name = "latency";
  protected score(candidate: Candidate): number {
    // Unmeasured workers first; otherwise the expected wait behind what is already in flight.
    return candidate.latencyMs === undefined ? 0 : candidate.latencyMs * (candidate.inFlight + 1);
  }
}

class Shard implements Strategy {
  readonly name = "shard";
  private readonly ring = new HashRing();
  /** Calls without a key go round. */
  private readonly unkeyed = new RoundRobin();
  pick<C extends Candidate>(candidates: CandidateSet<C>, key: string | undefined): C | undefined {
    if (candidates.list.length === 0) return undefined;
    if (key === undefined) return this.unkeyed.pick(candidates);
    const owner = this.ring.owner(key, (name) => candidates.has(name));
    // A candidate not on the ring yet (the ring follows membership changes): any will do.
    return owner === undefined ? candidates.list[0] : candidates.get(owner);
  }
  membersChanged(names: readonly string[]): void {
    this.ring.setMembers(names);
  }
}
