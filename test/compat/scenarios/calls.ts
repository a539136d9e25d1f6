/**
 * Examples about how calls travel: oneway, callback (server calling its client), callcontext
 * (annotations, correlation ids, HMAC), handshake (custom connection checks), ssl (2-way TLS with
 * certificate checks), batchedcalls.
 */
import { collapseFrames, dropLines, events, sortLines } from "../harness/normalize.js";
import type { Scenario } from "../harness/scenario.js";

export const oneway: Scenario = {
  name: "oneway",
  folder: "oneway",
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "oneway/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "oneway/client.js" } },
  },
  async play(run) {
    await run.nameServer();
    const server = await run.start("server", { ready: /^Pyro daemon running\.$/ });
    const client = await run.start("client");
    await client.exited();
    // The last oneway call keeps the server busy for 10 s after the client is gone.
    await server.waitFor(/^work's done!$/, 20_000);
  },
  // The client polls every second while the server counts down: how many polls say "not yet"
  // depends on timing.
  // Pyro4 runs oneway calls in threads, which print into each other's lines, and the first of them
  // runs alongside the "nothing" calls: those are compared as a sorted group.
  normalize: (text, info) => {
    if (info.role !== "server") return text.replace(/(server done\?\nno, trying again\n)+/g, "server done?\nno, trying again\n(...)\n");
    const lines = events(
      dropLines(text, /^ready status requested \(False\)$/),
      /^(?:Object|    uri|    name|Pyro daemon).*$|start request received\. Starting work\.\.\.|nothing got called, doing nothing|^\d+$|work is done!|ready status requested \(True\)|work work\.\. \d+|work's done!/gm,
    ).split("\n");
    const countdown = lines.findIndex((line) => /^\d+$/.test(line));
    return [...sortLines(lines.slice(0, countdown).join("\n")).split("\n"), ...lines.slice(countdown)].join("\n");
  },
};

export const callback: Scenario = {
  name: "callback",
  folder: "callback",
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "callback/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "callback/client.js" } },
  },
  async play(run) {
    await run.nameServer();
    await run.start("server", { ready: /^Pyro daemon running\.$/ });
    const client = await run.start("client");
    await client.exited(30_000);
  },
  // Five workers sleep a random 1 to 5 seconds each: they report back in any order (and Python's
  // threads print into each other's lines), so what is compared is the sorted list of events.
  normalize: (text) =>
    sortLines(
      events(text, /server: adding worker \d|Worker \d created|Worker \d busy\.\.\.|Worker \d done\. Informing callback client\.|callback: worker \d reports work is done!|^[a-z].*$/gm),
    ),
};

export const callback2: Scenario = {
  name: "callback (client2/server2: @callback)",
  folder: "callback",
  roles: {
    server: { side: "server", python: ["server2.py"], pyrots: { port: "callback/server2.js" } },
    client: { side: "client", python: ["client2.py"], pyrots: { port: "callback/client2.js" } },
  },
  async play(run) {
    await run.nameServer();
    const server = await run.start("server", { ready: /^Pyro daemon running\.$/ });
    const client = await run.start("client");
    await server.waitFor(/^server: callbacks done\.$/);
    // "ctrl-c/break the program once it's done"
    await client.stop();
  },
  normalize: (text) => collapseFrames(text),
};
