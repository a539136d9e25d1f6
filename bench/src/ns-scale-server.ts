#!/usr/bin/env node
/**
 * Section l's pyrots name server: `ns-scale-server.js --storage memory|sql:FILE`. Starts the name
 * server on 127.0.0.1 (any free port, no discovery) with room for the section's names (its
 * `maxNames` limit raised past 100,000), prints `READY <port>`, and runs until its stdin closes.
 */
import { parseArgs } from "node:util";
import { startNameServer } from "@pyrots/nameserver";
import { READY_PREFIX } from "./contract.js";

const { values } = parseArgs({ options: { storage: { type: "string", default: "memory" } } });
const ns = await startNameServer({ host: "127.0.0.1", port: 0, storage: values.storage, broadcast: false, mdns: false, limits: { maxNames: 200_000 } });
process.stdin.on("end", () => process.exit(0)).resume();
process.on("SIGTERM", () => process.exit(0));
console.log(READY_PREFIX + String(ns.uri.port));
