/**
 * A real etcd cluster for tests: `members` etcd processes on loopback ports, each with its own data
 * directory in a fresh temporary folder (on tmpfs when there is one), tuned for quick leader
 * elections. The cluster stops exactly the processes it started (by pid) and removes its folder.
 *
 * Without an `etcd` binary, {@link requireEtcd} skips the suite visibly, or fails it under
 * `REQUIRE_ETCD=1` (which `.ci/run` sets).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports.js";
import { type Spawned, spawnProcess } from "./process.js";

/** The etcd binary (override with `ETCD_BIN`). */
export const ETCD_BIN = process.env.ETCD_BIN ?? "etcd";
const INSTALL_HINT = "apt-get install etcd-server";

let probe: { ok: true; version: string } | { ok: false; reason: string } | undefined;
let announced = false;

/** Whether an etcd server binary can run here (probed once per process). */
export function etcdAvailable(): { ok: true; version: string } | { ok: false; reason: string } {
  if (probe) return probe;
  const run = spawnSync(ETCD_BIN, ["--version"], { encoding: "utf8", timeout: 10_000 });
  if (run.error) probe = { ok: false, reason: `${ETCD_BIN}: ${run.error.message}` };
  else if (run.status !== 0) probe = { ok: false, reason: `${ETCD_BIN} --version exited with ${run.status}` };
  else probe = { ok: true, version: /etcd Version: (\S+)/.exec(run.stdout)?.[1] ?? "unknown" };
  return probe;
}

/** For a `before` hook: skips the suite without etcd (saying so once), or fails it when `REQUIRE_ETCD=1`. */
export function requireEtcd(context: Mocha.Context): void {
  const status = etcdAvailable();
  if (status.ok) return;
  if (process.env.REQUIRE_ETCD === "1") throw new Error(`etcd is required (REQUIRE_ETCD=1) but not usable: ${status.reason} (${INSTALL_HINT})`);
  if (!announced) {
    announced = true;
    console.log(`etcd: no etcd server found (${INSTALL_HINT}) — skipping the etcd suites`);
  }
  context.skip();
}

/** `describe` whose tests are skipped (or failed, see {@link requireEtcd}) without etcd. */
export function describeEtcd(title: string, fn: (this: Mocha.Suite) => void): Mocha.Suite {
  return describe(title, function () {
    before(function () {
      requireEtcd(this);
    });
    fn.call(this);
  });
}

/** One member of a test cluster. */
export interface EtcdMember {
  readonly name: string;
  readonly clientPort: number;
  readonly peerPort: number;
  /** `127.0.0.1:PORT` of its client endpoint. */
  readonly endpoint: string;
  readonly dataDir: string;
  /** The running process, if any. */
  process?: Spawned;
}

/** Options of {@link startEtcdCluster}. */
export interface EtcdClusterOptions {
  /** Number of members (default 3). */
  members?: number;
  /** Raft heartbeat in ms (default 50; etcd's own default is 100). */
  heartbeatMs?: number;
  /** Election timeout in ms (default 500; etcd's own default is 1000). */
  electionMs?: number;
  /** Where members' ports come from (default {@link freePort}; tests of the start itself hand out taken ones). */
  ports?: () => Promise<number>;
}

/** A running test cluster. */
export interface EtcdCluster extends AsyncDisposable {
  readonly members: readonly EtcdMember[];
  /** Every member's endpoint, comma-separated (`127.0.0.1:P1,127.0.0.1:P2,...`). */
  readonly endpoints: string;
  /** The index of the current leader (asks the members that are up). */
  leader(): Promise<number>;
  /** SIGKILLs member `index` (it stays down until {@link restart}). */
  kill(index: number): Promise<void>;
  /** SIGSTOPs member `index`: its connections hang, as behind a network partition. */
  pause(index: number): void;
  /** SIGCONTs a paused member. */
  resume(index: number): void;
  /** Restarts a killed member on its data directory and waits until it is healthy. */
  restart(index: number): Promise<void>;
  /** Waits until every running member reports healthy (a leader exists). */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** Stops every member it started and removes the data. Idempotent. */
  stop(): Promise<void>;
}

/** A member could not bind its port: taken between {@link freePort} finding it free and etcd binding it. */
class PortTakenError extends Error {}

/** Times a cluster start is tried with fresh ports when a port was taken in the meantime. */
const START_ATTEMPTS = 3;

/**
 * Starts a cluster (3 members by default) and waits until it has a leader. A port found free can be
 * taken before etcd binds it (an outgoing connection of a test running beside may get it as its
 * ephemeral port): the start is then tried again on fresh ports.
 */
export async function startEtcdCluster(options: EtcdClusterOptions = {}): Promise<EtcdCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startCluster(options);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= START_ATTEMPTS) throw error;
      console.log(`etcd: ${error.message.split("\n")[0]}; starting the cluster again on other ports`);
    }
  }
}

async function startCluster(options: EtcdClusterOptions): Promise<EtcdCluster> {
  const count = options.members ?? 3;
  const root = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "pyrots-etcd-"));
  const token = `pyrots-test-${process.pid}-${Date.now()}`;
  const members: EtcdMember[] = [];
  for (let i = 0; i < count; i++) {
    const nextPort = options.ports ?? freePort;
    const [clientPort, peerPort] = [await nextPort(), await nextPort()];
    members.push({ name: `m${i}`, clientPort, peerPort, endpoint: `127.0.0.1:${clientPort}`, dataDir: join(root, `m${i}`) });
  }
  const initialCluster = members.map((m) => `${m.name}=http://127.0.0.1:${m.peerPort}`).join(",");
  const launch = (m: EtcdMember) => {
    m.process = spawnProcess(ETCD_BIN, [
      `--name=${m.name}`,
      `--data-dir=${m.dataDir}`,
      `--listen-client-urls=http://127.0.0.1:${m.clientPort}`,
      `--advertise-client-urls=http://127.0.0.1:${m.clientPort}`,
      `--listen-peer-urls=http://127.0.0.1:${m.peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${m.peerPort}`,
      `--initial-cluster=${initialCluster}`,
      `--initial-cluster-token=${token}`,
      "--initial-cluster-state=new",
      `--heartbeat-interval=${options.heartbeatMs ?? 50}`,
      `--election-timeout=${options.electionMs ?? 500}`,
      "--logger=zap",
      "--log-level=error",
    ]);
  };
  // A test process that dies without stopping its cluster must not leave etcd running.
  const killOnExit = () => {
    for (const m of members) if (m.process) killQuietly(m.process.pid);
    rmSync(root, { recursive: true, force: true });
  };
  process.once("exit", killOnExit);
  const stop = async () => {
    process.off("exit", killOnExit);
    await Promise.all(members.map((m) => stopMember(m)));
    rmSync(root, { recursive: true, force: true });
  };
  const waitHealthy = async (timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    for (const m of members) {
      if (!m.process || (await exitedYet(m.process))) continue;
      while (!(await healthy(m))) {
        if (Date.now() > deadline) throw new Error(`etcd member ${m.name} not healthy within ${timeoutMs} ms; stderr:\n${m.process.stderr().slice(-2000)}`);
        if (await exitedYet(m.process)) throw new Error(`etcd member ${m.name} exited; stderr:\n${m.process.stderr().slice(-2000)}`);
        await sleep(50);
      }
    }
  };
  try {
    for (const m of members) launch(m);
    await waitHealthy();
  } catch (error) {
    const portTaken = members.some((m) => m.process?.stderr().includes("address already in use"));
    await stop();
    if (portTaken) throw new PortTakenError(`a port was taken before etcd bound it (${(error as Error).message})`, { cause: error });
    throw error;
  }
  let stopping: Promise<void> | undefined;
  const cluster: EtcdCluster = {
    members,
    endpoints: members.map((m) => m.endpoint).join(","),
    async leader() {
      for (let attempt = 0; attempt < 100; attempt++) {
        const statuses = await Promise.all(members.map((m) => memberStatus(m)));
        const leaderId = statuses.find((s) => s !== undefined && s.leader !== "0")?.leader;
        const index = statuses.findIndex((s) => s !== undefined && s.memberId === leaderId);
        if (index >= 0) return index;
        await sleep(50);
      }
      throw new Error("no etcd leader found within 5 s");
    },
    async kill(index) {
      const m = members[index]!;
      if (m.process) {
        process.kill(m.process.pid, "SIGKILL");
        await m.process.exited;
        m.process = undefined;
      }
    },
    pause(index) {
      process.kill(members[index]!.process!.pid, "SIGSTOP");
    },
    resume(index) {
      process.kill(members[index]!.process!.pid, "SIGCONT");
    },
    async restart(index) {
      const m = members[index]!;
      if (m.process) throw new Error(`etcd member ${m.name} is still running`);
      launch(m);
      await waitHealthy();
    },
    waitHealthy,
    stop: () => (stopping ??= stop()),
    [Symbol.asyncDispose]: () => cluster.stop(),
  };
  return cluster;
}

async function stopMember(m: EtcdMember): Promise<void> {
  const proc = m.process;
  if (!proc) return;
  // Its data is thrown away, so nothing is gained by a graceful stop (which takes etcd seconds).
  killQuietly(proc.pid);
  await proc.exited;
  m.process = undefined;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

async function exitedYet(proc: Spawned): Promise<boolean> {
  return Promise.race([proc.exited.then(() => true), sleep(0).then(() => false)]);
}

async function healthy(m: EtcdMember): Promise<boolean> {
  try {
    const response = await fetch(`http://${m.endpoint}/health`, { signal: AbortSignal.timeout(1_000) });
    return ((await response.json()) as { health?: string }).health === "true";
  } catch {
    return false;
  }
}

async function memberStatus(m: EtcdMember): Promise<{ memberId: string; leader: string } | undefined> {
  if (!m.process) return undefined;
  try {
    const response = await fetch(`http://${m.endpoint}/v3/maintenance/status`, { method: "POST", body: "{}", signal: AbortSignal.timeout(1_000) });
    const body = (await response.json()) as { header?: { member_id?: string }; leader?: string };
    if (!body.header?.member_id) return undefined;
    return { memberId: body.header.member_id, leader: body.leader ?? "0" };
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
