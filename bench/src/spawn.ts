/**
 * What the bench adds to @pyrots/test-support's child processes: a line's value by its prefix, and
 * the memory and CPU time of a process it measures (from /proc).
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Spawned } from "@pyrots/test-support";

/** Matches a line starting with `prefix`; group 1 is the rest of the line. */
export function startingWith(prefix: string): RegExp {
  return new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(.*)$`);
}

/** Waits until `child` prints a line starting with `prefix`; returns the rest of that line. */
export async function lineAfter(child: Spawned, prefix: string, timeoutMs: number): Promise<string> {
  return (await child.waitForLine(startingWith(prefix), timeoutMs))[1]!;
}

/** Current resident set size of a running process in KiB (`VmRSS` in /proc), if readable. */
export async function rssKiB(pid: number): Promise<number | undefined> {
  return statusField(pid, /^VmRSS:\s+(\d+) kB/m);
}

/** Peak resident set size of a running process in MiB (`VmHWM` in /proc), if readable. */
export async function peakRssMiB(pid: number): Promise<number | undefined> {
  const kib = await statusField(pid, /^VmHWM:\s+(\d+) kB/m);
  return kib === undefined ? undefined : kib / 1024;
}

async function statusField(pid: number, pattern: RegExp): Promise<number | undefined> {
  try {
    const match = pattern.exec(await readFile(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process so far, or undefined when it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
