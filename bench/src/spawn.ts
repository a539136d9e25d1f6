/**
 * What the bench adds to @pyrots/test-support's child processes: the peak memory of a server it
 * measured.
 */
import { readFile } from "node:fs/promises";

/** Peak resident set size of a running process in MiB (`VmHWM` in /proc), if readable. */
export async function peakRssMiB(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
