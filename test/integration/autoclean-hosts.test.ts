/**
 * Autoclean between private hosts (network namespaces made by tools/netns.sh): a name server on
 * host A, a client on host B. The name server checks what B registered only on B: a dead daemon
 * of B goes, a live one stays, and a port of host A that B names is never connected to.
 */
import { expect } from "chai";
import { fileURLToPath } from "node:url";
import type { Spawned } from "@pyrots/test-support";
import { type PrivateHosts, cleanEnv, makeHosts, removeHosts, requireNetns, spawnIn, uniquePrefix } from "../support/netns.js";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

describe("autoclean between private hosts", function () {
  this.timeout(30_000);
  const prefix = uniquePrefix("ac");
  let hosts: PrivateHosts;
  let made = false;
  const started: Spawned[] = [];

  before(async function () {
    requireNetns(this);
    made = true;
    hosts = await makeHosts(prefix);
  });

  after(async function () {
    for (const proc of started) await proc.stop();
    if (made) await removeHosts(prefix);
  });

  it("checks B's registrations on B only, and never connects to the host A port B named", async () => {
    const ns = spawnIn(hosts.a, process.execPath, [FIXTURES + "autoclean-ns.js", hosts.addrA], { env: cleanEnv() });
    started.push(ns);
    const nsUri = (await ns.waitForLine(/^NS (PYRO:\S+)$/, 15_000))[1]!;
    const bystander = (await ns.waitForLine(/^BYSTANDER (\d+)$/))[1]!;
    const registrations = {
      "b.dead": `PYRO:gone@${hosts.addrB}:1`,
      "b.live": "live",
      "b.names.a": `PYRO:internal@${hosts.addrA}:${bystander}`,
    };
    const client = spawnIn(hosts.b, process.execPath, [FIXTURES + "register-from.js", nsUri, hosts.addrB, JSON.stringify(registrations)], { env: cleanEnv() });
    started.push(client);
    await client.waitForLine(/^REGISTERED$/, 15_000);
    for (const name of Object.keys(registrations))
      await ns.waitForLine(new RegExp(`^SEEN ${name.replaceAll(".", "\\.")} ${hosts.addrB.replaceAll(".", "\\.")}$`));
    await ns.waitForLine(/^GONE b\.dead$/, 10_000);
    // Several more passes, each past the grace period.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await ns.stop();
    expect(ns.lines).to.include("KEPT Pyro.NameServer,b.live,b.names.a");
    expect(ns.lines).to.include("BYSTANDER_CONNECTIONS 0");
  });
});
