/**
 * Examples about what goes wrong: echoserver (Pyro4's test echo server and its error), maxsize,
 * exceptions (remote tracebacks), timeout (calls and connects that take too long).
 */
import { collapseFrames, dropLines, events, sortLines } from "../harness/normalize.js";
import type { Scenario } from "../harness/scenario.js";

/** The echo server's banner names its implementation (and Pyro4 warns that no HMAC key is set). */
export function echoServerBanner(text: string): string {
  return dropLines(text, /^Starting (?:Pyro's built-in|pyrots') test echo server\.$/, /^Warning: HMAC key not set/);
}

export const echoserver: Scenario = {
  name: "echoserver",
  folder: "echoserver",
  roles: {
    server: { side: "server", python: ["-m", "Pyro4.test.echoserver"], pyrots: { bin: "echoserver" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "echoserver/client.js" } },
  },
  async play(run) {
    const server = await run.start("server", { ready: /^echoserver running\.$/ });
    const [, uri] = await server.waitFor(/^echo uri: (PYRO:\S+)$/);
    const client = await run.start("client", { input: `${uri}\n` });
    await client.exited();
    await server.exited(10_000);
  },
  normalize: (text, info) => collapseFrames(info.role === "server" ? echoServerBanner(text) : text),
};

export const maxsize: Scenario = {
  name: "maxsize",
  folder: "maxsize",
  roles: {
    server: { side: "server", python: ["-m", "Pyro4.test.echoserver"], pyrots: { bin: "echoserver" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "maxsize/client.js" } },
  },
  async play(run) {
    const server = await run.start("server", { ready: /^echoserver running\.$/ });
    const [, uri] = await server.waitFor(/^echo uri: (PYRO:\S+)$/);
    const client = await run.start("client", { input: `${uri}\n` });
    await client.exited();
  },
  normalize: (text, info) =>
    // The size of the refused message depends on the serializer's output, a few bytes either way.
    (info.role === "server" ? echoServerBanner(text) : text).replace(
      /max message size exceeded \(\d+ where max=(\d+)\).*$/gm,
      "max message size exceeded (<size> where max=$1)",
    ),
};

export const exceptions: Scenario = {
  name: "exceptions",
  folder: "exceptions",
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "exceptions/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "exceptions/client.js" } },
  },
  async play(run) {
    await run.nameServer();
    await run.start("server", { ready: /^Pyro daemon running\.$/ });
    const client = await run.start("client");
    await client.exited();
  },
  // complexerror() crashes on a type error in the server's own code; Python and JavaScript word it
  // differently (the exception type, TypeError, is compared).
  normalize: (text) =>
    collapseFrames(text)
      .replace(/^((?: \| )?TypeError:) .*$/gm, "$1 <the server's own words>")
      .replace(/^(CAUGHT ERROR {2}>>>) .*$/gm, "$1 <the server's own words>"),
  knownDifferences: [
    {
      variant: "pyrots-client",
      key: "client",
      python: /^UNSERIALIZABLE ERROR: unsupported serialized class: excep\.UnserializableError$/m,
      pyrots: "UNSERIALIZABLE ERROR: this error can't be serialized",
      why: "an exception of a class the client does not know arrives in pyrots as a RemoteError carrying the Python type name; Pyro4 refuses to deserialize it",
    },
  ],
};

export const timeout: Scenario = {
  name: "timeout",
  folder: "timeout",
  timingSensitive: "the Python client asserts each delay within 0.2 s of the expected one",
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "timeout/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "timeout/client.js" } },
  },
  async play(run) {
    await run.nameServer();
    await run.start("server", { ready: /^Server ready\.$/ });
    const client = await run.start("client");
    // The client's last call goes to a daemon that never answers, without a timeout: it would wait
    // forever. Its user gives up (ctrl-C) once it says so.
    await client.waitFor(/^Feel free to abort with ctrl-c or ctrl-break\.$/, 30_000);
    await run.sleep(500);
    await client.stop();
  },
  // Calls the client gave up on still run on the server, beside the next ones: the server's lines
  // come in the order their threads (or timers) get to them, so they are compared sorted.
  normalize: (text, info) => (info.role === "server" ? sortLines(events(text, /^Server ready\.$|sleeping \d+|done\./gm)) : text),
};
