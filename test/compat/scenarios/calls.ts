/**
 * Examples about how calls travel: oneway, callback (server calling its client), callcontext
 * (annotations, correlation ids, HMAC), handshake (custom connection checks), ssl (2-way TLS with
 * certificate checks), batchedcalls.
 */
import { characterCounts, collapseFrames, dropLines, events, numbered, sortLines } from "../harness/normalize.js";

/** A UUID even where another thread's output is glued to it. */
const UUID_ANYWHERE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * The callcontext server's local objects (thread, daemon, connection, client address) as
 * placeholders, recognized by their values, each printed in one piece: Python's thread idents,
 * daemon and connection reprs and address tuples; the port's event loop note and addresses (the
 * URI's address too, in both).
 */
function localValues(text: string): string {
  return text
    .replace(
      /<__main__\.CustomDaemon at 0x[0-9a-f]+;[^>]*>|<Pyro4\.socketutil\.SocketConnection object at 0x[0-9a-f]+>|\('127\.0\.0\.1', \d+\)|\d{13,16}(?!\d)/g,
      "<local object>",
    )
    .replace(/\(one event loop: no threads\)|(?:localhost|127\.0\.0\.1):\d+/g, "<local object>");
}
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
      events(
        text,
        /server: adding worker \d|Worker \d created|Worker \d busy\.\.\.|Worker \d done\. Informing callback client\.|callback: worker \d reports work is done!|^[a-z].*$/gm,
      ),
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
    // "ctrl-c/break the program once it's done" (after the @callback error was logged there)
    await run.sleep(1000);
    await client.stop();
  },
  normalize: (text) => collapseFrames(text),
};

export const callcontext: Scenario = {
  name: "callcontext",
  folder: "callcontext",
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "callcontext/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "callcontext/client.js" } },
  },
  async play(run) {
    const server = await run.start("server", { ready: /^PYRO:example\.context@/ });
    const [, uri] = await server.waitFor(/^(PYRO:example\.context@\S+)$/);
    const client = await run.start("client", { input: `${uri}\n\n` });
    await client.exited();
    await server.waitFor(/hi there ONEWAY - new method/);
  },
  // What the server prints about its thread, daemon and client connection are local objects,
  // described their own way by each implementation; the Python client's message names its proxy
  // by id(proxy), a memory address. pyrots daemons announce in their handshake reply that they take
  // requests concurrently (MPLX) and hand out iterator items in batches (SBAT), which Pyro4 ignores. Raw CORR and HMAC bytes are random.
  //
  // A pyrots proxy sends its correlation id with calls, not in its handshake: the daemon answers the
  // handshake with an id of its own (Pyro4's proxy sends the thread's id in both); that id is not
  // compared. A reply's annotations are a dict, compared in sorted order: a pyrots proxy whose
  // msgpack a Python daemon refused connects again with serpent, and Pyro4 sends the annotations
  // of a later reply from the same worker thread in another order (its thread-local dict keeps
  // DDAA from the refusal). The server handles calls from several connections in whatever order
  // they come (Python's oneway calls run in threads of their own, and print into each other's
  // lines and words: see characterCounts).
  normalize: (text, info) => {
    if (info.role === "server") return characterCounts(localValues(numbered(text.replace(/hello-\d{4,}/g, "hello-<id>"), UUID_ANYWHERE, "uuid")));
    return text
      .replace(/^ {6}(MPLX|SBAT) -> .*\n/gm, "")
      .replace(/(?<=^ {4}Got response \(msgtype=\d\)\. Annotations:\n)(?: {6}\S+ -> .*\n?)+/gm, (block) => sortLines(block.trimEnd()) + "\n")
      .replace(/(?<=^ {4}Got response \(msgtype=2\)\. Annotations:\n(?: {6}\S+ -> .*\n)*? {6}CORR -> ).*$/gm, "<the handshake's id>")
      .replace(/'(CORR|HMAC)': b(['"]).*?\2(?=, '[A-Z]{4}'|\})/g, "'$1': <bytes>")
      .replace(/(?<=Annotations in response were: {2}\{)(.*)(?=\}$)/gm, (entries) =>
        entries
          .split(/, (?='[A-Z]{4}': )/)
          .sort()
          .join(", "),
      );
  },
};

export const handshake: Scenario = {
  name: "handshake",
  folder: "handshake",
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "handshake/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "handshake/client.js" } },
  },
  async play(run) {
    const server = await run.start("server", { ready: /^When asked, enter the following secret code/ });
    const [, uri] = await server.waitFor(/^(PYRO:Pyro\.Daemon@\S+)$/);
    const right = await run.start("client", { instance: "right secret", input: `${uri}\npancakes\n` });
    await right.exited();
    await server.waitFor(/^Daemon client disconnects/);
    const wrong = await run.start("client", { instance: "wrong secret", input: `${uri}\nwaffles\n` });
    await wrong.exited();
  },
};

export const ssl: Scenario = {
  name: "ssl",
  folder: "ssl",
  certificates: true,
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "ssl/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "ssl/client.js" } },
  },
  async play(run) {
    const server = await run.start("server", { ready: /^server uri: / });
    const [, uri] = await server.waitFor(/^server uri: (PYRO:\S+)$/);
    const client = await run.start("client", { input: `${uri}\n` });
    await client.exited();
    await server.waitFor(/^got message: /);
  },
};

export const batchedcalls: Scenario = {
  name: "batchedcalls",
  folder: "batchedcalls",
  weight: 2,
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "batchedcalls/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "batchedcalls/client.js" } },
  },
  async play(run) {
    const server = await run.start("server", { ready: /^Pyro daemon running\.$/ });
    const [, uri] = await server.waitFor(/uri = (PYRO:\S+)/);
    const client = await run.start("client", { input: `${uri}\n` });
    await client.exited(120_000);
    await server.waitFor(/^end of batch #2$/);
  },
  timeoutMs: 150_000,
  knownDifferences: [
    {
      variant: "pyrots-server",
      key: "server",
      python: /^end of batch #2\nbeginning batch #3$/m,
      pyrots: "beginning batch #3\nend of batch #2",
      why: "a pyrots daemon starts a connection's next request while an async method of a oneway batch still waits (batch #2's 2 s delay); Pyro4 runs a oneway batch to its end before it reads the next request (single oneway calls run in threads of their own in both)",
    },
    {
      variant: "pyrots-client",
      key: "client",
      python: /^100\/\/3 = 0\n100\/\/2 = 42\n100\/\/1 = 30\n100\/\/0 = 2\n100\/\/-1 = 0\n100\/\/-2 = 33\n100\/\/-3 = 50\n100\/\/-4 = 100$/m,
      pyrots: "100//3 = 33\n100//2 = 50\n100//1 = 100",
      why: "a Pyro4 batch run asynchronously keeps its calls, so the example's last batch sends batch #3's calls again before its own; pyrots' runBatch empties a batch every time",
    },
    {
      variant: "pyrots-client",
      key: "server",
      python: /^end of batch #3\nbeginning batch #3\nend of batch #3$/m,
      pyrots: "end of batch #3",
      why: "(the same difference, seen from the server: batch #3 runs once)",
    },
  ],
  // How fast is not compared (that is the benchmark's business); what was computed is.
  normalize: (text) =>
    collapseFrames(text)
      .replace(/\d+\.\d\d seconds \(\d+ calls\/sec\)/g, "<n> seconds (<n> calls/sec)")
      .replace(/were \d+\.\d times faster/g, "were <n> times faster"),
};

/** What the async example's server prints: its banner, and a line per call (from any thread). */
const ASYNC_SERVER_EVENTS =
  /^Object .*:$|^ {4}uri = \S+$|^Pyro daemon running\.$|dividing \d+ by \d+ after a slight delay|multiply \d+ by \d+, no delay|adding \d+ to \d+, no delay/gm;

/** What the async clients' callbacks print: one string each, from Pyro4's result thread, at any moment. */
const ASYNC_CALLBACK_LINES =
  />>> async (?:function called with value=\d+ increase=\d+|func called with some arguments: a=\d+, b=\d+, extra=(?:None|42|last one)|batch function called, returning: \[[\d, ]*\])/g;

/**
 * An async client's output as two lists: the main thread's lines, then what the callbacks printed,
 * in order. A callback runs while the main thread prints (`print` writes its text and its newline
 * separately), so it can land inside a main-thread line: `sleeping 1 second>>> async func …`.
 */
function asyncClientLines(text: string): string {
  const callbacks = events(text, ASYNC_CALLBACK_LINES);
  const main = dropLines(text.replace(ASYNC_CALLBACK_LINES, ""), /^$/);
  return `${main}\n--- printed by the callbacks, in order:\n${callbacks}`;
}

/**
 * The async example with one of its clients. The server prints as calls arrive, and calls made at
 * once arrive in any order (Python's threads even print into each other's lines): its output is
 * compared as a sorted list of what it printed.
 */
function asyncScenario(client: "client" | "client_batch" | "client_callchain"): Scenario {
  return {
    name: client === "client" ? "async" : `async (${client}.py)`,
    folder: "async",
    roles: {
      server: { side: "server", python: ["server.py"], pyrots: { port: "async/server.js" } },
      // Only client.py is ported: the other two show Python's future API (`.then`, async batches).
      client: { side: "client", python: [`${client}.py`], ...(client === "client" ? { pyrots: { port: "async/client.js" } } : {}) },
    },
    async play(run) {
      const server = await run.start("server", { ready: /^Pyro daemon running\.$/ });
      const uri = (await server.waitFor(/^ {4}uri = (PYRO:\S+)$/))[1]!;
      const program = await run.start("client", { input: `${uri}\n` });
      await program.exited(90_000);
      await server.stop();
    },
    timeoutMs: 120_000,
    normalize: (text, info) => (info.role === "server" ? sortLines(events(text, ASYNC_SERVER_EVENTS)) : asyncClientLines(text)),
  };
}

export const asyncClient = asyncScenario("client");
export const asyncBatch = asyncScenario("client_batch");
export const asyncCallchain = asyncScenario("client_callchain");
