/**
 * `DEBUG=pyrots:*` traces connections, calls and name lookups on stderr, and nothing is traced
 * without it. Runs test/integration/fixtures/traced-call.ts in a child process.
 */
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { runProcess } from "../support/process.js";

const SCRIPT = fileURLToPath(new URL("./fixtures/traced-call.js", import.meta.url));

function run(debug: string | undefined) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("PYRO_") && key !== "DEBUG"));
  return runProcess(process.execPath, [SCRIPT], { env: debug === undefined ? env : { ...env, DEBUG: debug }, timeoutMs: 15_000 });
}

describe("DEBUG tracing", function () {
  this.timeout(20_000);

  it("DEBUG=pyrots:* shows the lookup, the connections and the call", async () => {
    const result = await run("pyrots:*");
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.include("result: 6");
    const lines = result.stderr.split("\n");
    const has = (pattern: RegExp) =>
      expect(
        lines.some((l) => pattern.test(l)),
        `no stderr line matches ${pattern}:\n${result.stderr}`,
      ).to.equal(true);
    // Resolving the name: a connection to the name server, then to the object it named.
    has(/^\S+Z pyrots:proxy connecting to PYRO:Pyro\.NameServer@127\.0\.0\.1:\d+$/);
    has(/^\S+Z pyrots:proxy connecting to PYRO:rates@127\.0\.0\.1:\d+ \(resolved from PYRONAME:traced\.rates@127\.0\.0\.1:\d+\)$/);
    has(/^\S+Z pyrots:proxy connected to PYRO:rates@127\.0\.0\.1:\d+ \(pyrots daemon: calls multiplexed\)$/);
    // The client side of each call: when it leaves, and how it ended and how long it took.
    has(/^\S+Z pyrots:proxy call rates\.getRate -> PYRO:rates@127\.0\.0\.1:\d+$/);
    has(/^\S+Z pyrots:proxy call rates\.getRate ok in \d+\.\d ms$/);
    has(/^\S+Z pyrots:proxy call rates\.fail failed in \d+\.\d ms: RemoteError: no such pair$/);
    // The daemon side: the connection, the handshake and the call.
    has(/^\S+Z pyrots:daemon 127\.0\.0\.1:\d+ connected to 127\.0\.0\.1:\d+$/);
    has(/^\S+Z pyrots:daemon 127\.0\.0\.1:\d+: handshake ok for "rates" \(msgpack\)$/);
    has(/^\S+Z pyrots:daemon 127\.0\.0\.1:\d+: call rates\.getRate seq=\d+$/);
    has(/^\S+Z pyrots:daemon 127\.0\.0\.1:\d+: call rates\.getRate seq=\d+ ok in \d+\.\d ms$/);
    has(/^\S+Z pyrots:daemon 127\.0\.0\.1:\d+: call rates\.fail seq=\d+ failed in \d+\.\d ms: RangeError: no such pair$/);
    has(/^\S+Z pyrots:daemon 127\.0\.0\.1:\d+: call Pyro\.NameServer\.lookup seq=\d+$/);
  });

  it("a namespace pattern selects parts; no DEBUG prints nothing", async () => {
    const proxyOnly = await run("pyrots:proxy");
    expect(proxyOnly.stderr).to.include("pyrots:proxy connecting to").and.not.include("pyrots:daemon");
    const quiet = await run(undefined);
    expect(quiet.code).to.equal(0);
    expect(quiet.stderr).to.equal("");
  });
});
