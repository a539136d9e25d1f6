/**
 * Examples about connections that go away: disconnects (the server drops idle clients),
 * autoretry (retrying a call after that), autoreconnect (the server restarts), resourcetracking
 * (what a client leaves behind when it goes).
 */
import { numbered, sortLines } from "../harness/normalize.js";
import type { Scenario } from "../harness/scenario.js";

export const disconnects: Scenario = {
  name: "disconnects",
  folder: "disconnects",
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "disconnects/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "disconnects/client.js" } },
  },
  ignoreStderrOf: ["server"],
  async play(run) {
    const server = await run.start("server", { ready: /^Pyro daemon running\.$/ });
    const [, uri] = await server.waitFor(/uri = (PYRO:\S+)/);
    const client = await run.start("client", { input: `${uri}\n` });
    await client.waitFor(/result = 12345$/);
    // "wait until the connection timeout on the server expires" (5 s), then press enter
    await run.sleep(6_500);
    client.write("\n");
    await client.exited();
  },
  timeoutMs: 40_000,
  knownDifferences: [
    {
      variant: "pyrots-client",
      key: "client",
      python: /(?<=^Uri of server\? ) {2}<proxy: ping>\n {2}<proxy: ping reply \(still connected\)>\n/m,
      pyrots: "",
      why: "(the same: the port makes no ping before its calls)",
    },
    {
      variant: "pyrots-client",
      key: "client",
      python: /^ {2}<proxy: ping>\n {2}<proxy: Connection lost\. REBINDING\.\.\.>\n {2}<proxy: Connection restored, continue with actual method call\.\.\.>\n/m,
      pyrots: "",
      why: "a pyrots proxy notices by itself that the daemon closed its idle connection and connects again for the next call: the example's ping-before-every-call proxy has no counterpart",
    },
  ],
};

export const autoretry: Scenario = {
  name: "autoretry",
  folder: "autoretry",
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "autoretry/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "autoretry/client.js" } },
  },
  async play(run) {
    await run.nameServer();
    await run.start("server", { ready: /^Pyro daemon running\.$/ });
    const client = await run.start("client");
    await client.exited();
  },
  knownDifferences: [
    {
      variant: "pyrots-client",
      key: "client",
      python: /^Got exception .* as expected\.\n/m,
      pyrots: "",
      why: "a pyrots proxy notices by itself that the daemon closed its idle connection and sends the next call on a new one, so the call that fails in Pyro4 (without retries) succeeds",
    },
    {
      variant: "pyrots-client",
      key: "server",
      python: /^calling add: 2, 2\ncalling add: 1, 1$/m,
      pyrots: "calling add: 2, 2\ncalling add: 3, 3\ncalling add: 1, 1",
      why: "(the same, seen from the server: the third call arrives)",
    },
  ],
};

/** Calls made while the server ran: how many depends on when it was stopped. */
function collapseCalls(text: string): string {
  // (the client is stopped after some call: whether it printed the next "call..." is chance)
  return text
    .replace(/\ncall\.\.\.$/, "")
    .replace(/(?:^call\.\.\.\nSleeping 1 second(?:\n|$))+/gm, "call...\nSleeping 1 second\n(...)\n")
    .replace(/(?:^Method called with 42\nYou can now try to stop this server with ctrl-C\/ctrl-Break(?:\n|$))+/gm, "Method called with 42 (...)\n");
}

/** Runs the client, stops the server after two calls and starts it again; the client must go on. */
async function restartServer(
  run: Parameters<Scenario["play"]>[0],
  clientInput: (server: { waitFor(p: RegExp): Promise<RegExpMatchArray> }) => Promise<string | undefined>,
): Promise<void> {
  let server = await run.start("server", { ready: /^Server started/ });
  const input = await clientInput(server);
  const client = await run.start("client", input === undefined ? {} : { input });
  await client.waitForCount(/^Sleeping 1 second$/, 2);
  await server.stop();
  await client.waitFor(/^\(restart the server now\)$/);
  server = await run.start("server", { ready: /^Server started/ });
  // two calls on the new server
  await client.waitForCount(/^Sleeping 1 second$/, 4, 30_000);
  await client.stop();
}

export const autoreconnect: Scenario = {
  name: "autoreconnect",
  folder: "autoreconnect",
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "autoreconnect/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "autoreconnect/client.js" } },
  },
  play: (run) => restartServer(run, async (server) => `${(await server.waitFor(/uri: (PYRO:\S+)/))[1]}\n`),
  normalize: (text) => collapseCalls(text),
  timeoutMs: 60_000,
};

export const autoreconnectNS: Scenario = {
  name: "autoreconnect (clientNS/serverNS)",
  folder: "autoreconnect",
  roles: {
    server: { side: "server", python: ["serverNS.py"], pyrots: { port: "autoreconnect/serverNS.js" } },
    client: { side: "client", python: ["clientNS.py"], pyrots: { port: "autoreconnect/client.js", args: ["--ns"] } },
  },
  async play(run) {
    await run.nameServer();
    await restartServer(run, async () => undefined);
  },
  normalize: (text) => collapseCalls(text).replace(/^(Previous daemon socket port:) \d+$/m, "$1 <port>"),
  timeoutMs: 60_000,
};

export const resourcetracking: Scenario = {
  name: "resourcetracking",
  folder: "resourcetracking",
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "resourcetracking/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "resourcetracking/client.js" } },
  },
  async play(run) {
    const server = await run.start("server", { ready: /^Pyro daemon running\.$/ });
    const [, uri] = await server.waitFor(/uri = (PYRO:\S+)/);
    // One client frees its resources...
    const polite = await run.start("client", { instance: "frees its resources", input: `${uri}\n\n` });
    await polite.exited();
    await server.waitForCount(/^client disconnects:/, 1);
    // ...the other is stopped (ctrl-C) before it does: the server closes them.
    const aborted = await run.start("client", { instance: "aborted", input: `${uri}\n` });
    await aborted.waitForCount(/^allocating resource\.\.\. /, 2);
    await server.waitForCount(/^service: allocated resource/, 4);
    // At its prompt (the blank line comes with it), the second reply read: stopped earlier, the
    // client's socket closes with that reply unread, the server sees a reset instead of an end, and
    // the example's clientDisconnect fails on getpeername() (nothing printed).
    await aborted.waitForCount(/^$/, 1);
    await aborted.stop();
    await server.waitForCount(/^Resource: closing/, 4);
  },
  // Resource names are random: the last 4 characters of Python's hex() of a number below 10^6, so
  // "x" too for numbers below 0x1000 ("0xe10" gives "xe10"). A connection's resources are a set (any order).
  normalize: (text) =>
    numbered(text, /(?<=resource(?:\.\.\.)? |closing |')([0-9a-fx]{4})\b/g, "name")
      .replace(/\[((?:'<name \d+>'(?:, )?)+)\]/g, (_, items: string) => `[${items.split(", ").sort().join(", ")}]`)
      .replace(/(?:^Resource: closing <name \d+>\n?)+/gm, (block) => sortLines(block.trimEnd()) + "\n"),
};
