/**
 * Start-up loads what a plain program uses (issue 17, bench section m): a daemon serving a call and
 * a `PYRONAME:` client load neither the optional parts (TLS, HTTP, zlib, DNS look-ups, broadcast
 * and mDNS discovery) nor a metadata polyfill or msgpackr's decoder add-on; those load when used.
 * Shown by a real process run with an import hook that lists every module as it loads.
 */
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { runProcess } from "@pyrots/test-support";
import { type NsProcess, startNsProcess } from "../support/ns-process.js";

const MODULE_LOG = fileURLToPath(new URL("../support/module-log.js", import.meta.url));
const SCRIPT = fileURLToPath(new URL("./fixtures/startup-work.js", import.meta.url));

/** Modules a plain daemon and client must not load, as URL endings. */
const NOT_AT_START = [
  "node:tls",
  "node:http",
  "node:zlib",
  "node:dgram",
  "node:dns/promises",
  "/reflect-metadata/Reflect.js",
  // msgpackr's main entry: it loads its native decode extractor (msgpackr-extract) through require.
  "/msgpackr/node-index.js",
  "/core/dist/naming/broadcast.js",
  "/core/dist/naming/mdns.js",
  "/core/dist/naming/index.js",
];

/** The modules each phase of the fixture loaded. */
function modulesByPhase(stdout: string): Map<string, string[]> {
  const phases = new Map<string, string[]>([["imports", []]]);
  let current = phases.get("imports")!;
  for (const line of stdout.split("\n")) {
    if (line.startsWith("PHASE ")) phases.set(line.slice(6), (current = []));
    else if (line.startsWith("MODULE ")) current.push(line.slice(7));
  }
  return phases;
}

describe("start-up: what a plain daemon and client load", function () {
  this.timeout(60_000);
  let ns: NsProcess;

  before(async () => {
    ns = await startNsProcess("memory");
  });
  after(async () => {
    await ns?.stop();
  });

  it("loads none of the optional parts for a call through PYRONAME:, and the health endpoint loads node:http when served", async () => {
    const run = await runProcess(process.execPath, ["--import", MODULE_LOG, SCRIPT, ns.uri], { timeoutMs: 30_000 });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include("DONE");
    const phases = modulesByPhase(run.stdout);
    const atStart = [...phases.get("imports")!, ...phases.get("plain")!];
    // The hook sees the package's modules and built-ins at all (else the checks below prove nothing).
    expect(atStart.some((url) => url.endsWith("/core/dist/index.js"))).to.equal(true);
    expect(atStart).to.include("node:net");
    expect(atStart.some((url) => url.endsWith("/msgpackr/pack.js"))).to.equal(true);
    for (const ending of NOT_AT_START)
      expect(
        atStart.filter((url) => url.endsWith(ending)),
        ending,
      ).to.deep.equal([]);
    expect(phases.get("health")).to.include("node:http");
  });
});
