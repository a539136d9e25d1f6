/**
 * How each workload appears in the table: its title, its metric, and the issue's target for
 * pyrots as a ratio to the baseline measured in the same run (issue 17, which raised issue 6's).
 */
import type { WorkloadId } from "./contract.js";

/** Table facts of one workload. */
export interface WorkloadInfo {
  title: string;
  metric: string;
  /** pyrots/baseline must reach this (higher is better), if the issue sets a target. */
  target?: number;
  /** Digits after the point when printing the value. */
  digits: number;
  /** Workloads whose per-call latency is reported too. */
  latency?: boolean;
}

/** Every workload's table facts. */
export const WORKLOADS: Record<WorkloadId, WorkloadInfo> = {
  a: { title: "(a) sequential add", metric: "calls/s", target: 0.9, digits: 0, latency: true },
  b: { title: "(b) sequential, one CPU", metric: "calls/s", target: 0.9, digits: 0, latency: true },
  c: { title: "(c) 64 in flight, 1 proxy", metric: "calls/s", target: 0.9, digits: 0 },
  d: { title: "(d) echo 1 MiB", metric: "MiB/s", target: 1.0, digits: 1 },
  e: { title: "(e) 50 connections", metric: "calls/s", target: 0.9, digits: 0 },
  f: { title: "(f) oneway", metric: "calls/s", target: 0.8, digits: 0 },
  g: { title: "(g) batches of 100", metric: "calls/s", target: 0.9, digits: 0 },
  h: { title: "(h) name server lookup", metric: "lookups/s", target: 0.9, digits: 0 },
  i: { title: "(i) name server register", metric: "registrations/s", digits: 0, latency: true },
};

/** Server peak RSS may be at most this many times the baseline's. */
export const RSS_TARGET = 1.3;
