/**
 * Section (k) of the bench: memory of idle connections. One client process opens connections to
 * one daemon, 1 first (code paths warm), then {@link IDLE_STEPS}, and holds them idle; the
 * daemon's resident memory (`VmRSS`) at each step, less the one at 1 connection, divided by the
 * connections added, is the memory per idle connection (target ≤ 8 KiB, flat from 1,000 to
 * 10,000). Daemons: a bare Node TCP server (the baseline: what Node itself needs per socket),
 * pyrots (handshaken pyrots proxies), and Python Pyro4's multiplex server (the thread server
 * holds a thread per connection and cannot hold thousands). Both processes get a raised file
 * descriptor limit (`ulimit -n` in the shell that starts them).
 *
 * The Node daemons (bare and pyrots alike) run with V8's young generation held at its starting
 * size ({@link NODE_DAEMON_FLAGS}). Otherwise V8 grows it in steps, up to some 30 MiB, while a
 * burst of connections is accepted: heap headroom that comes once, not per connection, and that
 * landed in whichever step crossed a growth threshold (it was 3 to 4 KiB "per connection" at 1,000
 * and under 3 at 10,000). Everything the connections keep lives in the old generation either way.
 */
import { fileURLToPath } from "node:url";
import { PYTHON } from "./cell.js";
import { READY_PREFIX } from "./contract.js";
import { type Spawned, spawnProcess } from "@pyrots/test-support";
import { lineAfter, rssKiB } from "./spawn.js";
import { setTimeout as sleep } from "node:timers/promises";

const DIST = fileURLToPath(new URL("./", import.meta.url));
const PYTHON_DIR = fileURLToPath(new URL("../python/", import.meta.url));

/** Connection counts measured (after a first single connection). */
export const IDLE_STEPS = [1000, 10_000];
/** The target, KiB per idle connection. */
export const IDLE_TARGET_KIB = 8;
/** File descriptors each process may open. */
const FD_LIMIT = 20_000;
/** Node flags of the bare and pyrots daemons: the young generation stays at V8's starting size (see above). */
const NODE_DAEMON_FLAGS = ["--max-semi-space-size=1"];
/** Time for the daemon to settle (and collect garbage) after a step before its memory is read. */
const SETTLE_MS = 1500;

/** One daemon's figures. */
export interface IdleCell {
  server: "baseline" | "pyrots" | "python";
  /** KiB per connection at each step (same order as {@link IDLE_STEPS}). */
  kibPerConnection?: number[];
  /** Daemon RSS in MiB with one connection. */
  baseMiB?: number;
  error?: string;
}

/** `command args` started by a shell that raised its file descriptor limit first (exec keeps the pid). */
function startWithFds(command: string, args: string[], cpu: string | undefined, env?: NodeJS.ProcessEnv): Spawned {
  const quoted = [command, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  const pin = cpu === undefined ? "" : `taskset -c ${cpu} `;
  return spawnProcess("sh", ["-c", `ulimit -n ${FD_LIMIT} && exec ${pin}${quoted}`], { env });
}

async function runIdleCell(server: IdleCell["server"], cpus: { server: string; client: string } | undefined): Promise<IdleCell> {
  let daemon: Spawned | undefined;
  let client: Spawned | undefined;
  try {
    const env = { ...process.env, PYRO_MAX_CONNECTIONS: "0", PYRO_SERVERTYPE: "multiplex", PYRO_SERIALIZER: "msgpack" };
    daemon =
      server === "python"
        ? startWithFds(PYTHON, [`${PYTHON_DIR}server.py`], cpus?.server, env)
        : startWithFds(process.execPath, [...NODE_DAEMON_FLAGS, `${DIST}server.js`, "--impl", server], cpus?.server, env);
    const port = await lineAfter(daemon, READY_PREFIX, 15_000);
    const kind = server === "baseline" ? "socket" : "proxy";
    const steps = [1, ...IDLE_STEPS];
    client = startWithFds(
      process.execPath,
      [`${DIST}idle-client.js`, "--kind", kind, "--port", port, "--steps", steps.join(","), "--hold", String(SETTLE_MS + 500)],
      cpus?.client,
    );
    const rss: number[] = [];
    for (const step of steps) {
      await lineAfter(client, `OPEN ${step}`, 180_000);
      await sleep(SETTLE_MS);
      const kib = await rssKiB(daemon.pid);
      if (kib === undefined) throw new Error(`daemon exited: ${daemon.stderr().trim().slice(-600)}`);
      rss.push(kib);
    }
    return { server, baseMiB: rss[0]! / 1024, kibPerConnection: IDLE_STEPS.map((n, i) => (rss[i + 1]! - rss[0]!) / (n - 1)) };
  } catch (error) {
    return { server, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await client?.stop();
    await daemon?.stop();
  }
}

/** Runs section (k); `report` hears each daemon's figures. */
export async function runIdleSection(cpus: { server: string; client: string } | undefined, report: (line: string) => void): Promise<IdleCell[]> {
  const cells: IdleCell[] = [];
  for (const server of ["baseline", "pyrots", "python"] as const) {
    const cell = await runIdleCell(server, cpus);
    report(`  (k) idle connections, ${server} daemon: ${describe(cell)}`);
    cells.push(cell);
  }
  return cells;
}

function describe(cell: IdleCell): string {
  if (cell.error) return `FAILED: ${cell.error}`;
  return (
    IDLE_STEPS.map((n, i) => `${cell.kibPerConnection![i]!.toFixed(1)} KiB/connection at ${n.toLocaleString("en-US")}`).join(", ") +
    ` (RSS ${cell.baseMiB!.toFixed(1)} MiB at 1)`
  );
}

/** The section's table. */
export function formatIdleTable(cells: readonly IdleCell[]): string {
  const header = ["daemon", "RSS at 1 (MiB)", ...IDLE_STEPS.map((n) => `KiB/conn at ${n.toLocaleString("en-US")}`), "target"];
  const rows = cells.map((c) => {
    if (c.error) return [c.server, "FAIL", ...IDLE_STEPS.map(() => "-"), ""];
    const met = c.server === "pyrots" ? (c.kibPerConnection!.every((k) => k <= IDLE_TARGET_KIB) ? "✓" : "✗") : "";
    return [c.server, c.baseMiB!.toFixed(1), ...c.kibPerConnection!.map((k) => k.toFixed(1)), c.server === "pyrots" ? `≤ ${IDLE_TARGET_KIB} ${met}` : ""];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
