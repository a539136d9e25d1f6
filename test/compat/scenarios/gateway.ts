/**
 * The http example: Pyro4's own HTTP client (`client.py`) against the HTTP gateway, the name
 * server and the test echo server. The client side of this example speaks plain HTTP and JSON, no
 * Pyro: there is nothing of it to port, so only the server side runs in pyrots.
 */
import { dropLines } from "../harness/normalize.js";
import type { Scenario } from "../harness/scenario.js";
import { echoServerBanner } from "./errors-and-limits.js";

/** pprint's layout of a dict of lists, on one line with each list sorted (Python's sets come in any order). */
function sortedDictOfLists(block: string): string {
  const flat = block
    .split("\n")
    .map((line) => line.trim())
    .join(" ");
  return flat.replace(/\[([^\]]*)\]/g, (_, items: string) => `[${items.split(/,\s*/).filter(Boolean).sort().join(", ")}]`);
}

const NS_METHODS = "'count', 'list', 'lookup', 'ping', 'register', 'remove', 'set_metadata'";

export const http: Scenario = {
  name: "http",
  folder: "http",
  roles: {
    echoserver: { side: "server", python: ["-m", "Pyro4.test.echoserver", "-n"], pyrots: { bin: "echoserver", args: ["-n"] } },
    gateway: { side: "server", python: ["-m", "Pyro4.utils.httpgateway", "-e", "Pyro.|test."], pyrots: { bin: "httpgateway", args: ["-e", "Pyro.|test."] } },
    client: { side: "client", python: ["client.py"] },
  },
  async play(run) {
    await run.nameServer();
    await run.start("echoserver", { ready: /^echoserver running\.$/ });
    const gateway = await run.start("gateway", { ready: /^Pyro HTTP gateway running on / });
    const client = await run.start("client");
    await client.exited(30_000);
    await gateway.stop();
  },
  normalize: (text, info) => {
    if (info.role === "echoserver") return echoServerBanner(text);
    // Python prints its banner with a double space; pyrots' gateway also shows its console's address and says when it stops.
    if (info.role === "gateway") return dropLines(text.replace(/: {2}/g, ": "), /^Console: http:\/\//, /^Gateway shut down\.$/);
    return text.replace(/(?<=^META--->\n)[^]*?(?=\n\n)/m, sortedDictOfLists);
  },
  knownDifferences: [
    {
      variant: "pyrots-server",
      key: "client",
      python: new RegExp(`^\\{'attributes': \\[\\], 'methods': \\[${NS_METHODS}\\]\\}$`, "m"),
      pyrots:
        "{'attributes': [], 'methods': ['count', 'health', 'lease_grant', 'lease_keepalive', 'lease_revoke', 'list', 'lookup', 'ping', 'register', 'remove', 'set_metadata', 'watch', 'yplookup'], 'oneway': []}",
      why: "pyrots' name server has more methods (leases, health, watch, yplookup), and pyrots' gateway's `$meta` also lists the object's oneway methods",
    },
  ],
};
