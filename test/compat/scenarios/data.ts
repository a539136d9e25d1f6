/**
 * Examples about the data that travels: timezones (dates with time zones, through every
 * serializer), hugetransfer and filetransfer (large payloads, remote iterators, annotations
 * carrying file data, a raw socket beside Pyro).
 */
import { collapseFrames } from "../harness/normalize.js";
import type { Scenario } from "../harness/scenario.js";

export const timezones: Scenario = {
  name: "timezones",
  folder: "timezones",
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
