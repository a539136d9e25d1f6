/**
 * Private test hosts in network namespaces, made by the project's `tools/netns.sh`: two hosts
 * joined by a virtual cable (A and B), plus an optional loopback-only host (C). Every broadcast
 * and multicast a discovery test sends is sent from inside one of them, never on the machine's
 * network. Without root or iproute2 the suites are skipped with one visible line, or failed under
 * `REQUIRE_NETNS=1` (as in CI).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type RunResult, type SpawnOptions, type Spawned, runProcess, spawnProcess } from "@pyrots/test-support";

/** The project's namespace helper. */
export const NETNS_SCRIPT = fileURLToPath(new URL("../../../tools/netns.sh", import.meta.url));

/** Two private hosts joined by a cable. */
export interface PrivateHosts {
  readonly prefix: string;
  /** Namespace names. */
  readonly a: string;
  readonly b: string;
  /** Their addresses on the cable, and its broadcast address. */
  readonly addrA: string;
  readonly addrB: string;
  readonly broadcast: string;
}

let probe: { ok: true } | { ok: false; reason: string } | undefined;
let announced = false;

/** Whether this machine can make namespaces (probed once per process). */
export function netnsAvailable(): { ok: true } | { ok: false; reason: string } {
  if (probe) return probe;
  const run = spawnSync("bash", [NETNS_SCRIPT, "check"], { encoding: "utf8", timeout: 10_000 });
  probe = run.status === 0 ? { ok: true } : { ok: false, reason: (run.stdout + run.stderr).trim() || `netns.sh check exited ${run.status}` };
  return probe;
}

/** For a `before` hook: skips the suite (one visible line per run) or fails it under `REQUIRE_NETNS=1`. */
export function requireNetns(context: Mocha.Context): void {
  const status = netnsAvailable();
  if (status.ok) return;
  if (process.env.REQUIRE_NETNS === "1") throw new Error(`discovery: network namespaces are required (REQUIRE_NETNS=1) but unavailable: ${status.reason}`);
  if (!announced) {
    announced = true;
    console.log(`discovery: network namespaces unavailable (${status.reason}) — skipping`);
  }
  context.skip();
}

/** A prefix no other run uses at the same time (interface names keep only its first 8 characters). */
export function uniquePrefix(tag: string): string {
  return `${tag}${(process.pid % 46656).toString(36)}${(Date.now() % 1296).toString(36)}`.slice(0, 8);
}

/** Creates hosts `PREFIX-a` and `PREFIX-b`. */
export async function makeHosts(prefix: string): Promise<PrivateHosts> {
  const result = await netns("up", prefix);
  const [a, b, addrA, addrB, broadcast] = result.stdout.trim().split(/\s+/);
  if (!a || !b || !addrA || !addrB || !broadcast) throw new Error(`netns.sh up ${prefix} printed ${JSON.stringify(result.stdout)}`);
  return { prefix, a, b, addrA, addrB, broadcast };
}

/** Creates host `PREFIX-c` with only a loopback interface; returns its namespace name. */
export async function makeLonelyHost(prefix: string): Promise<string> {
  return (await netns("lonely", prefix)).stdout.trim();
}

/** Removes every host made for `prefix` (safe to call twice). */
export async function removeHosts(prefix: string): Promise<void> {
  await netns("down", prefix);
}

/** Starts `command args` inside namespace `ns`. */
export function spawnIn(ns: string, command: string, args: readonly string[], options?: SpawnOptions): Spawned {
  return spawnProcess("ip", ["netns", "exec", ns, command, ...args], options);
}

/** Runs `command args` inside namespace `ns` to completion. */
export function runIn(ns: string, command: string, args: readonly string[], options?: SpawnOptions & { timeoutMs?: number }): Promise<RunResult> {
  return runProcess("ip", ["netns", "exec", ns, command, ...args], options);
}

/** The environment for child processes: ours without any `PYRO_*` setting, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("PYRO_")) env[key] = value;
  return { ...env, ...extra };
}

async function netns(command: string, prefix: string): Promise<RunResult> {
  const result = await runProcess("bash", [NETNS_SCRIPT, command, prefix], { timeoutMs: 20_000 });
  if (result.code !== 0) throw new Error(`netns.sh ${command} ${prefix} failed (code ${result.code}): ${result.stdout}${result.stderr}`);
  return result;
}
