/**
 * What a pool learns about its workers from failed calls: a failure that is the worker's fault
 * counts against its breaker; a draining worker's refusal marks it draining; an exception from the
 * worker's code proves it alive. A worker taken out (breaker open, or draining) is probed after
 * its cooldown with a fresh connection of its own — a handshake shows the daemon is up and takes
 * new work (a draining one refuses it) — never with a user's call, and without disturbing the calls
 * still finishing on the worker's own connection.
 */
import { debugLog } from "../debug.js";
import type { ProxySettings } from "../proxy/settings.js";
import type { Clock } from "./clock.js";
import { type Emit, messageOf } from "./events.js";
import type { PoolMember } from "./member.js";
import type { CoreFactory } from "./parts.js";
import { type FailureKind, isWorkerFault } from "./retry.js";

const log = debugLog("pyrots:pool");

/** Seconds a probe's handshake may take at most. */
const PROBE_TIMEOUT = 5;

/** What {@link WorkerHealth} needs. */
export interface HealthParts {
  readonly settings: ProxySettings;
  /** The breakers' first cooldown in seconds (bounds the probe's handshake too). */
  readonly cooldown: number;
  readonly createCore: CoreFactory;
  readonly clock: Clock;
  readonly emit: Emit;
  /** Availability changed. */
  readonly invalidate: () => void;
  /** True once the pool is closed (probes stop). */
  readonly closed: () => boolean;
}

/** Breakers, drains and probes of a pool's workers. */
export class WorkerHealth {
  constructor(private readonly parts: HealthParts) {}

  /** Records how an attempt on `member` failed (after `ms`). */
  failed(member: PoolMember, kind: FailureKind, error: unknown, ms: number | undefined): void {
    if (kind === "remote") {
      member.answered(ms);
      member.breaker.succeeded();
      return;
    }
    if (kind === "draining") {
      member.failures++;
      if (member.draining) return;
      member.draining = true;
      member.breaker.forceOpen();
      this.parts.emit({ type: "draining", worker: member.name, detail: messageOf(error) });
      this.parts.invalidate();
      this.scheduleProbe(member);
      return;
    }
    if (!isWorkerFault(kind)) return;
    member.failures++;
    const admitted = member.breaker.admits;
    member.breaker.failed();
    if (admitted && !member.breaker.admits) {
      this.parts.emit({ type: "breaker-open", worker: member.name, detail: messageOf(error) });
      this.parts.invalidate();
      this.scheduleProbe(member);
    }
  }

  private scheduleProbe(member: PoolMember): void {
    if (member.probeScheduled || member.leaving || this.parts.closed()) return;
    member.probeScheduled = true;
    const ms = member.breaker.msUntilProbe();
    void this.parts.clock.sleep(ms === Infinity ? 0 : ms).then(() => this.probe(member));
  }

  private async probe(member: PoolMember): Promise<void> {
    member.probeScheduled = false;
    if (this.parts.closed() || member.leaving || member.breaker.admits) return;
    if (!member.breaker.claimProbe()) return this.scheduleProbe(member);
    const timeout = Math.min(PROBE_TIMEOUT, Math.max(0.5, this.parts.cooldown));
    const probe = this.parts.createCore(member.uri, { ...this.parts.settings, timeout, background: true });
    try {
      await probe.bind();
      member.draining = false;
      member.breaker.probeSucceeded();
      this.parts.emit({ type: "breaker-closed", worker: member.name });
      this.parts.invalidate();
    } catch (error) {
      member.breaker.probeFailed();
      if (log.enabled) log(`probe of ${member.name} failed: ${messageOf(error)}`);
      this.scheduleProbe(member);
    } finally {
      probe.release();
    }
  }
}
