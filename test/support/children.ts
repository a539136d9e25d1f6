/**
 * Child processes the robustness suites attack: the target daemon and the target name server
 * (see target-daemon.ts, target-nameserver.ts), with their memory read from `/proc`.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DaemonOptions } from "@pyrots/core";
import { type Spawned, spawnProcess } from "./process.js";

/** A started target process. */
export interface TargetProcess {
  readonly proc: Spawned;
  readonly pid: number;
  /** Resident set size now, in bytes (from /proc/<pid>/status VmRSS). */
  rss(): number;
  /** Stops it (SIGTERM, then SIGKILL) and waits. */
  stop(): Promise<void>;
  /** Kills it with SIGKILL at once and waits for its exit. */
  kill(): Promise<void>;
}

/** A running target daemon. */
export interface TargetDaemon extends TargetProcess {
  /** URI of the object `target`. */
  readonly uri: string;
  readonly port: number;
}

/** How to start a target process. */
export interface ChildOptions {
  /** Run node with `--expose-gc` (default true). */
  exposeGc?: boolean;
  /** Raise the open-files limit to this many before starting node (through `sh -c 'ulimit -n'`). */
  openFiles?: number;
}

const node = process.execPath;
const fixture = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

/** VmRSS of `pid` in bytes. */
export function rssOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** Starts one of the fixtures in this folder (test/support) with node. */
export function startChild(script: string, args: string[], options: ChildOptions): Spawned {
  const nodeArgs = [...(options.exposeGc === false ? [] : ["--expose-gc"]), fixture(script), ...args];
  const env = { ...process.env };
  if (options.openFiles === undefined) return spawnProcess(node, nodeArgs, { env });
  // `exec` keeps the pid: the pid we hold is node's own, not the shell's.
  const quoted = [node, ...nodeArgs].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  return spawnProcess("/bin/sh", ["-c", `ulimit -n ${options.openFiles} && exec ${quoted}`], { env });
}

function wrap(proc: Spawned): TargetProcess {
  return {
    proc,
    pid: proc.pid,
    rss: () => rssOf(proc.pid),
    stop: () => proc.stop(),
    async kill() {
      try {
        process.kill(proc.pid, "SIGKILL");
      } catch {
        // already gone
      }
      await proc.exited;
    },
  };
}

/** Starts target-daemon.js with `Daemon.create` options; resolves once it listens. */
export async function startTargetDaemon(daemonOptions: DaemonOptions = {}, options: ChildOptions = {}): Promise<TargetDaemon> {
  const proc = startChild("target-daemon.js", [JSON.stringify(daemonOptions)], options);
  try {
    const [, uri] = (await proc.waitForLine(/^URI (\S+)$/, 20_000)) as unknown as [string, string];
    return { ...wrap(proc), uri, port: Number(/:(\d+)$/.exec(uri)![1]) };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}

/** A running target name server (TCP on 127.0.0.1, broadcast responder on 127.0.0.1 UDP). */
export interface TargetNameServer extends TargetProcess {
  /** The name server's URI. */
  readonly uri: string;
  readonly port: number;
  /** UDP port of its broadcast responder. */
  readonly bcPort: number;
  /** URI of its diagnostics object (prototypesClean, diagnostics). */
  readonly diagUri: string;
}

/** Starts target-nameserver.js; resolves once it listens. */
export async function startTargetNameServer(options: ChildOptions = {}): Promise<TargetNameServer> {
  const proc = startChild("target-nameserver.js", [], options);
  try {
    const [, uri] = (await proc.waitForLine(/^NS (\S+)$/, 20_000)) as unknown as [string, string];
    const [, bcPort] = (await proc.waitForLine(/^BC (\d+)$/)) as unknown as [string, string];
    const [, diagUri] = (await proc.waitForLine(/^DIAG (\S+)$/)) as unknown as [string, string];
    return { ...wrap(proc), uri, port: Number(/:(\d+)$/.exec(uri)![1]), bcPort: Number(bcPort), diagUri };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}

/** A running target gateway (see target-gateway.ts). */
export interface TargetGateway extends TargetProcess {
  /** Its base URL, ending in `/`. */
  readonly url: string;
  readonly port: number;
}

/** Starts target-gateway.js with gateway option overrides; resolves once it listens. */
export async function startTargetGateway(overrides: Record<string, unknown> = {}, options: ChildOptions = {}): Promise<TargetGateway> {
  const proc = startChild("target-gateway.js", [JSON.stringify(overrides)], options);
  try {
    const [, url] = (await proc.waitForLine(/^GATEWAY (\S+)$/, 20_000)) as unknown as [string, string];
    return { ...wrap(proc), url, port: Number(new URL(url).port) };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}
