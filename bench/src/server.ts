#!/usr/bin/env node
/**
 * A bench server process: `server.js --impl baseline|pyrots [--port N]`. Prints `READY <port>` once
 * it listens on 127.0.0.1 (on `--port`, any free port by default), and runs until signalled or
 * until its stdin closes (its parent is gone).
 */
import { parseArgs } from "node:util";
import { READY_PREFIX } from "./contract.js";

// Loaded on demand: the baseline's peak RSS must not include pyrots' modules, nor the reverse.
const STARTERS: Record<string, () => Promise<(port?: number) => Promise<number>>> = {
  baseline: async () => (await import("./baseline/server.js")).startBaselineServer,
  pyrots: async () => (await import("./pyrots/server.js")).startPyrotsServer,
};

const { values } = parseArgs({ options: { impl: { type: "string" }, port: { type: "string", default: "0" } } });
const load = STARTERS[values.impl ?? ""];
if (!load) {
  console.error("usage: server.js --impl baseline|pyrots");
  process.exit(2);
}
const port = await (await load())(Number(values.port));
process.stdin.on("end", () => process.exit(0)).resume();
process.on("SIGTERM", () => process.exit(0));
console.log(READY_PREFIX + port);
