#!/usr/bin/env node
/**
 * A bench server process: `server.js --impl baseline|pyrots`. Prints `READY <port>` once it
 * listens on 127.0.0.1, and runs until signalled or until its stdin closes (its parent is gone).
 */
import { parseArgs } from "node:util";
import { READY_PREFIX } from "./contract.js";

// Loaded on demand: the baseline's peak RSS must not include pyrots' modules, nor the reverse.
const STARTERS: Record<string, () => Promise<() => Promise<number>>> = {
  baseline: async () => (await import("./baseline/server.js")).startBaselineServer,
  pyrots: async () => (await import("./pyrots/server.js")).startPyrotsServer,
};

const { values } = parseArgs({ options: { impl: { type: "string" } } });
const load = STARTERS[values.impl ?? ""];
if (!load) {
  console.error("usage: server.js --impl baseline|pyrots");
  process.exit(2);
}
const port = await (await load())();
process.stdin.on("end", () => process.exit(0)).resume();
process.on("SIGTERM", () => process.exit(0));
console.log(READY_PREFIX + port);
