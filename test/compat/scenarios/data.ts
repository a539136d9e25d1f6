/**
 * Examples about the data that travels: timezones (dates with time zones, through every
 * serializer), hugetransfer and filetransfer (large payloads, remote iterators, annotations
 * carrying file data, a raw socket beside Pyro).
 */
import { collapseFrames, events, sortLines } from "../harness/normalize.js";
import type { Scenario } from "../harness/scenario.js";

export const timezones: Scenario = {
  name: "timezones",
  folder: "timezones",
  pythonModules: ["pytz", "dateutil"],
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "timezones/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "timezones/client.js" } },
  },
  async play(run) {
    const server = await run.start("server", { ready: /^Pyro daemon running\.$/ });
    const [, uri] = await server.waitFor(/uri = (PYRO:\S+)/);
    const client = await run.start("client", { input: `${uri}\n` });
    await client.exited();
  },
  // The dates are now's; a traceback's frames are the client's own.
  normalize: (text) =>
    collapseFrames(text)
      .replace(/\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?/g, "<time>")
      .replace(/datetime\.datetime\([^)]*\)\)?/g, "<datetime>"),
  knownDifferences: [
    ...(["pyrots-server", "pyrots-client"] as const).map((variant) => ({
      variant,
      key: "server",
      python: /^ECHO:\n \[raw\] {2}<datetime>\n \[iso\] {2}<time>\n(?:ECHO:\n \[raw\] {2}<datetime>\n \[iso\] {2}<time>\n){2}/m,
      pyrots: "",
      why: "pickle is Python's own: pyrots neither speaks nor accepts it (unpickling runs code the peer chose), so the pickle section's calls never happen",
    })),
    {
      variant: "pyrots-server",
      key: "client",
      python: /(?<=^FIRST: no timezone\n)[^*]*?(?=\n\*{7} serpent)/m,
      pyrots: "",
      why: "(the same: the Python client's pickle connection is refused, its section ends with a traceback)",
    },
    {
      variant: "pyrots-server",
      key: "client",
      stream: "stderr",
      python: /^/,
      pyrots:
        "Traceback (most recent call last):\n  <frames>\nPyro4.errors.CommunicationError: connection to ('localhost', <port 1>) rejected: message used serializer that is not accepted: 4\n",
      why: "(the same: the traceback of the refused pickle connection)",
    },
    {
      variant: "pyrots-server",
      key: "client",
      stream: "stderr",
      python: /^TypeError: vars\(\) argument must have __dict__ attribute\n[^]*MarshalSerializer\. Give it vars\(\) or an appropriate __getstate__$/m,
      pyrots: "Pyro4.errors.CommunicationError: connection to ('localhost', <port 1>) rejected: message used serializer that is not accepted: 3",
      why: "pyrots daemons do not accept marshal either, so the marshal section fails at the connection instead of at sending the datetime (which marshal cannot do)",
    },
    {
      variant: "pyrots-client",
      key: "client",
      python: /(?<=^\*{7} \(expecting no errors\) \*{6}\n)[^*]*?(?=\n\*{7} serpent)/m,
      pyrots: "",
      why: "(the same: the port has no pickle serializer)",
    },
    {
      variant: "pyrots-client",
      key: "client",
      python: /(?<=^\*{7} marshal \*{7})\n\nFIRST: no timezone$/m,
      pyrots: "",
      why: "pyrots has no marshal serializer either (Pyro4's marshal cannot send a datetime anyway)",
    },
  ],
};

/** How fast a transfer went is not compared (that is the benchmark's business). */
function withoutSpeeds(text: string): string {
  return text
    .replace(/It took \d+\.\d\d seconds/g, "It took <n> seconds")
    .replace(/That is \d+ kb\/sec\. = \d+\.\d mb\/sec\./g, "That is <n> kb/sec. = <n> mb/sec.")
    .replace(/done, \d+\.\d\d Mb\/sec\./g, "done, <n> Mb/sec.");
}

export const serCustom: Scenario = {
  name: "ser_custom",
  folder: "ser_custom",
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "ser_custom/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "ser_custom/client.js" } },
  },
  async play(run) {
    const server = await run.start("server", { ready: /^Pyro daemon running\.$/ });
    const uri = (await server.waitFor(/^ {4}uri = (PYRO:\S+)$/))[1]!;
    const client = await run.start("client", { input: `${uri}\n` });
    await client.exited();
    await server.waitFor(/^othermethod called, arg= /);
    await server.stop();
  },
};

export const hugetransfer: Scenario = {
  name: "hugetransfer",
  folder: "hugetransfer",
  weight: 3,
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "hugetransfer/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "hugetransfer/client.js" } },
  },
  async play(run) {
    const server = await run.start("server", { ready: /^Pyro daemon running\.$/ });
    const [, uri] = await server.waitFor(/uri = (PYRO:\S+)/);
    const client = await run.start("client", { input: `${uri}\n` });
    await client.exited(150_000);
  },
  timeoutMs: 180_000,
  normalize: (text) => withoutSpeeds(text),
};

const THREAD_MESSAGE =
  /thread Thread-\d+ \(\w+\) (?:getting a blob using (?:regular Pyro call|remote iterators)\.\.\.|downloading via annotation stream\.\.\.|preparing 10 blobs of size 40\.0 Mb|retrieving blob using raw socket\.\.\.|done, <n> Mb\/sec\.)/g;

const SERVER_MESSAGE =
  /^(?:Blob socket available on|Filetransfer server URI): .*$|sending \d+ bytes(?: via iterator, chunks of \d+ bytes)?|transmitting file via annotations stream \(\d+ bytes\)\.\.\.|preparing file-based blob of size \d+|<a client> requesting file id <file id>|\.\.\.from file/gm;

export const filetransfer: Scenario = {
  name: "filetransfer",
  folder: "filetransfer",
  weight: 4,
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "filetransfer/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "filetransfer/client.js" } },
  },
  async play(run) {
    const server = await run.start("server", { ready: /^Filetransfer server URI: / });
    const [, uri] = await server.waitFor(/^Filetransfer server URI: (PYRO:\S+)$/);
    // "enter to continue" between the four ways, and at the end
    const client = await run.start("client", { input: `${uri}\n\n\n\n\n` });
    await client.exited(240_000);
  },
  timeoutMs: 270_000,
  // Two threads download at once: each section's lines are compared sorted. The server serves
  // both threads (and the raw socket) at once: its lines are compared sorted; how it reads a file
  // for the raw socket (Python: os.sendfile) is its own business.
  normalize: (text, info) => {
    const out = withoutSpeeds(text);
    if (info.role === "server") {
      const messages = out
        .replace(/\('127\.0\.0\.1', \d+\) requesting file id [0-9a-f-]{36}/g, "<a client> requesting file id <file id>")
        .replace(/\.\.\.from file using (?:sendfile\(\)|a read stream)/g, "...from file");
      return sortLines(events(messages, SERVER_MESSAGE));
    }
    // (Python's threads also print into each other's lines: each thread's messages are picked out)
    return out
      .split(/(?=\n\n\*\*\*\* )/)
      .map((section) => {
        const head = section.match(/^(?:\n*\*\*\*\* .* \*\*\*\*\n|Uri of filetransfer server\? )/)?.[0] ?? "";
        const prompt = section.match(/enter to (?:continue|exit):$/)?.[0] ?? "";
        return `${head}\n${sortLines(events(section, THREAD_MESSAGE))}\n${prompt}`;
      })
      .join("");
  },
};
