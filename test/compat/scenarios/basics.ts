/**
 * Small examples of one server and one client, each showing one feature: nonameserver,
 * attributes, autoproxy, banks, streaming, thirdpartylib, unixdomainsock, instancemode.
 */
import type { Scenario } from "../harness/scenario.js";
import { numbered } from "../harness/normalize.js";

/** The URI a server printed on a line matching `pattern` (group 1). */
async function uriFrom(program: { waitFor(p: RegExp): Promise<RegExpMatchArray> }, pattern = /(PYRO:\S+)/): Promise<string> {
  return (await program.waitFor(pattern))[1]!;
}

export const nonameserver: Scenario = {
  name: "nonameserver",
  folder: "nonameserver",
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "nonameserver/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "nonameserver/client.js" } },
  },
  async play(run) {
    const server = await run.start("server", { ready: /^PYRO:example\.quotegen@/ });
    const uri = await uriFrom(server, /^(PYRO:example\.quotegen@\S+)$/);
    const client = await run.start("client", { input: `${uri}\n` });
    await client.exited();
  },
};

export const attributes: Scenario = {
  name: "attributes",
  folder: "attributes",
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "attributes/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "attributes/client.js" } },
  },
  async play(run) {
    const server = await run.start("server", { ready: /^Pyro daemon running\.$/ });
    const client = await run.start("client", { input: `${await uriFrom(server)}\n` });
    await client.exited();
  },
  // The proxy refuses unexposed names itself, in its own words (pyrots lists what the object has);
  // `p.prop_sub.foobar.attribute` fails locally, in Python's or JavaScript's words.
  normalize: (text) =>
    text
      .replace(/has no exposed (?:attribute or method|attribute|method) '(\w+)'.*$/gm, "has no exposed member '$1'")
      .replace(/^(ok, got expected error \(local only\):) .*$/gm, "$1 <the local error>"),
};

export const autoproxy: Scenario = {
  name: "autoproxy",
  folder: "autoproxy",
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "autoproxy/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "autoproxy/client.js" } },
  },
  async play(run) {
    const server = await run.start("server", { ready: /^Pyro daemon running\.$/ });
    const client = await run.start("client", { input: `${await uriFrom(server)}\n` });
    await client.exited();
    await server.waitFor(/^Thingy 3 says: I am last then\.\.\.$/);
  },
};

export const banks: Scenario = {
  name: "banks",
  folder: "banks",
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "banks/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "banks/client.js" } },
  },
  async play(run) {
    await run.nameServer();
    await run.start("server", { ready: /^Banks are ready for customers\.$/ });
    const client = await run.start("client");
    await client.exited();
  },
};

export const streaming: Scenario = {
  name: "streaming",
  folder: "streaming",
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "streaming/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "streaming/client.js" } },
  },
  async play(run) {
    const server = await run.start("server", { ready: /^Pyro daemon running\.$/ });
    const client = await run.start("client", { input: `${await uriFrom(server)}\n` });
    await client.exited();
  },
};

export const thirdpartylib: Scenario = {
  name: "thirdpartylib",
  folder: "thirdpartylib",
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "thirdpartylib/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "thirdpartylib/client.js" } },
  },
  knownDifferences: [
    {
      variant: "pyrots-server",
      key: "client",
      python: /^couldn't call weird\(\) due to serialization error of the result value! \(is ok\)$/m,
      pyrots: "{'value': 'awesome'}",
      why: "an instance of an application class is sent as a dict of its fields by pyrots (as JSON would), where Pyro4 refuses classes it has no serializer for",
    },
  ],
  async play(run) {
    const server = await run.start("server", { ready: /uri: / });
    const client = await run.start("client", { input: `${await uriFrom(server)}\n` });
    await client.exited();
  },
};

export const thirdpartylib2: Scenario = {
  name: "thirdpartylib (server2, the adapter)",
  folder: "thirdpartylib",
  roles: {
    server: { side: "server", python: ["server2.py"], pyrots: { port: "thirdpartylib/server2.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "thirdpartylib/client.js" } },
  },
  play: (run) => thirdpartylib.play(run),
};

export const unixdomainsock: Scenario = {
  name: "unixdomainsock",
  folder: "unixdomainsock",
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "unixdomainsock/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "unixdomainsock/client.js" } },
  },
  async play(run) {
    const server = await run.start("server", { ready: /uri=/ });
    const client = await run.start("client", { input: `${await uriFrom(server)}\n` });
    await client.exited();
    await server.waitFor(/^Message received:/);
  },
};

export const instancemode: Scenario = {
  name: "instancemode",
  folder: "instancemode",
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "instancemode/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "instancemode/client.js" } },
  },
  async play(run) {
    await run.nameServer();
    await run.start("server", { ready: /^Pyro daemon running\.$/ });
    const client = await run.start("client");
    await client.exited();
  },
  // id(self) is a memory address in Python and a counter in the port: what matters is which calls
  // share one. Per-call instances are new every time, but Python may give a new one the address of
  // a freed one, so their ids are not compared. JavaScript has no tuples: the port's arrive as lists.
  normalize: (text) => {
    const percall = text
      .replace(/^\[\d+\] PercallInstance/gm, "[<percall instance>] PercallInstance")
      .replace(/(-----PERCALL[^\n]*\n)((?:\d+\n)+)/, (_, head: string, ids: string) => head + ids.replace(/\d+/g, "<percall instance>"))
      .replace(/^\[(\d+, '[^']*')\]$/gm, "($1)");
    return numbered(percall, /(?<=^\[|^\(|^)(\d{2,})\b/gm, "instance");
  },
};
