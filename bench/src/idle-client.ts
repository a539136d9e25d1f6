#!/usr/bin/env node
/**
 * Section k's client: `idle-client.js --kind proxy|socket --port N --steps 1,1000,10000`. Opens
 * connections to one daemon until it holds each step's count — `proxy`: a pyrots proxy per
 * connection, handshake done (`bind`); `socket`: a bare TCP connection — prints `OPEN <count>`,
 * and holds them idle for `--hold` ms before the next step. Exits when its stdin closes.
 */
import { connect } from "node:net";
import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { Proxy, bind } from "@pyrots/core";

/** Connections opened at once. */
const PARALLEL = 100;

const { values } = parseArgs({
  options: { kind: { type: "string" }, port: { type: "string" }, steps: { type: "string" }, hold: { type: "string", default: "1500" } },
});
const port = Number(values.port);
const held: unknown[] = [];

async function openOne(): Promise<unknown> {
  if (values.kind === "proxy") {
    const proxy = new Proxy(`PYRO:bench@127.0.0.1:${port}`);
    await bind(proxy);
    return proxy;
  }
  return await new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => resolve(socket));
    socket.once("error", reject);
  });
}

// Idle proxies let go of the process (they do not keep a script alive): this keeps it running
// until the bench stops it.
setInterval(() => {}, 1 << 30);
process.stdin.on("end", () => process.exit(0)).resume();
for (const step of (values.steps ?? "1").split(",").map(Number)) {
  while (held.length < step) {
    const batch = Math.min(PARALLEL, step - held.length);
    held.push(...(await Promise.all(Array.from({ length: batch }, openOne))));
  }
  console.log(`OPEN ${held.length}`);
  await sleep(Number(values.hold));
}
console.log("DONE");
