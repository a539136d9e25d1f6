/**
 * The command line of `npm run bench` (bench/dist/run.js).
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { IMPL_IDS, type ImplId, type Timing, WORKLOAD_IDS, type WorkloadId } from "./contract.js";

/** Usage text for `--help`. */
export const USAGE = `usage: node bench/dist/run.js [options]

Runs pyrots beside a bare TCP+msgpackr baseline and Python Pyro4 4.82, each cell in fresh
server and client processes on 127.0.0.1, and prints figures and ratios to the baseline.

options:
  --quick              short windows (a smoke test: the whole run takes about a minute)
  --only a,c           workloads to run (a..i; s: the name server on memory, SQLite and
                       etcd storage; p: Python Pyro4 and Pyro5 clients with msgpack and
                       serpent against a pyrots daemon; w: pool proxies (workers), overhead
                       and 1/2/4 workers; j: remote iterator throughput; k: memory per idle
                       connection; l: the name server at 1,000 and 100,000 names; m: start-up
                       to the first answered call; default all)
  --impl pyrots,baseline  implementations to run (default baseline,pyrots,python)
  --repeat N           run every cell N times, alternating implementations, and keep the
                       median run of each (steadier figures on a busy machine)
  --same-cpu           pin server and client both to CPU 0 (default: server 0, client 1)
  --json FILE          write the JSON results here (default bench/results/latest.json)
  --profile DIR        write V8 CPU profiles of the Node servers and clients under DIR
                       (summarise one with: node bench/dist/profile-top.js FILE.cpuprofile)
  --warmup MS, --window MS, --windows N   override the timing
  -h, --help           show this help`;

/** Parsed options. */
export interface RunOptions {
  workloads: WorkloadId[];
  /** Run section (s): the name server on each storage. */
  storages: boolean;
  /** Run section (p): Python Pyro4 and Pyro5 clients against a pyrots daemon. */
  pythonClients: boolean;
  /** Run section (w): pool proxies over workers. */
  pools: boolean;
  /** Sections j (iterators), k (idle connections), l (name server at scale), m (start-up) to run. */
  sections: SectionId[];
  impls: ImplId[];
  sameCpu: boolean;
  repeat: number;
  quick: boolean;
  json?: string;
  profileDir?: string;
  timing: Timing;
  help: boolean;
}

/** The sections with their own tables (besides s and p). */
export const SECTION_IDS = ["j", "k", "l", "m"] as const;
/** One of {@link SECTION_IDS}. */
export type SectionId = (typeof SECTION_IDS)[number];

/** Thrown for a bad command line (exit code 2). */
export class UsageError extends Error {}

/** Parses `argv` (without node and the script). */
export function parseOptions(argv: string[]): RunOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      impl: { type: "string" },
      "same-cpu": { type: "boolean", default: false },
      repeat: { type: "string" },
      json: { type: "string" },
      profile: { type: "string" },
      warmup: { type: "string" },
      window: { type: "string" },
      windows: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const list = <T extends string>(text: string | undefined, allowed: readonly T[], what: string): T[] => {
    if (text === undefined) return [...allowed];
    const picked = text
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    for (const p of picked) if (!allowed.includes(p as T)) throw new UsageError(`unknown ${what} '${p}' (choose from ${allowed.join(", ")})`);
    return allowed.filter((a) => picked.includes(a));
  };
  const int = (text: string | undefined, fallback: number, name: string) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} needs a positive integer`);
    return n;
  };
  const quick = values.quick!;
  const picked = list(values.only, [...WORKLOAD_IDS, "s", "p", "w", ...SECTION_IDS] as const, "workload");
  return {
    workloads: picked.filter((id): id is WorkloadId => (WORKLOAD_IDS as readonly string[]).includes(id)),
    storages: picked.includes("s"),
    pythonClients: picked.includes("p"),
    pools: picked.includes("w"),
    sections: picked.filter((id): id is SectionId => (SECTION_IDS as readonly string[]).includes(id)),
    impls: list(values.impl, IMPL_IDS, "implementation"),
    sameCpu: values["same-cpu"]!,
    repeat: int(values.repeat, 1, "repeat"),
    quick,
    json: values.json,
    profileDir: values.profile === undefined ? undefined : resolve(values.profile),
    timing: {
      warmupMs: int(values.warmup, quick ? 200 : 1000, "warmup"),
      windowMs: int(values.window, quick ? 250 : 1000, "window"),
      windows: int(values.windows, quick ? 3 : 5, "windows"),
    },
    help: values.help!,
  };
}
