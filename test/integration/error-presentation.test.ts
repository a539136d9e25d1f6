/**
 * What a user sees when a remote call fails and nothing catches it: the remote traceback as text
 * (not an array of strings) and the line of their own code that made the call (not only pyrots'
 * internals). Runs a user's script in a child process, as the user would.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Daemon, expose } from "@pyrots/core";
import { runProcess } from "../support/process.js";

const SCRIPT = fileURLToPath(new URL("./fixtures/uncaught-remote-error.js", import.meta.url));
const CALL_LINE =
  readFileSync(SCRIPT, "utf8")
    .split("\n")
    .findIndex((line) => line.includes("THE-CALL-LINE")) + 1;

@expose
class Calculator {
  divide(a: number, b: number): number {
    if (b === 0) throw new RangeError("division by zero");
    return a / b;
  }
}

describe("an uncaught remote error, as the user sees it", () => {
  let daemon: Daemon;
  let uri: string;

  before(async () => {
    daemon = await Daemon.create({ host: "127.0.0.1", env: {} });
    uri = daemon.register(Calculator, "calc").toString();
  });
  after(() => daemon.shutdown());

  const run = (env: Record<string, string> = {}) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("PYRO_")));
    return runProcess(process.execPath, [SCRIPT, uri], { env: { ...clean, ...env }, timeoutMs: 15_000 });
  };

  it("shows the remote traceback as text and the caller's own line", async () => {
    const result = await run();
    expect(result.code).to.equal(1);
    const stderr = result.stderr;
    expect(stderr).to.include("RemoteError: division by zero");
    expect(stderr).to.include("Remote traceback (builtins.ValueError):");
    expect(stderr).to.match(/\| +File ".*error-presentation\.test\.js", line \d+, in (Calculator\.)?divide/);
    expect(stderr).to.include("| ValueError: division by zero");
    expect(stderr).to.include("--- where the call was made ---");
    expect(stderr).to.include(`uncaught-remote-error.js:${CALL_LINE}:`);
    // The lines are not printed a second time as an array of strings.
    expect(stderr).to.not.match(/remoteTraceback: \[/);
  });

  it("CALLER_STACKS=false leaves the caller's frames out", async () => {
    const result = await run({ PYRO_CALLER_STACKS: "false" });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include("Remote traceback (builtins.ValueError):").and.not.include("where the call was made");
  });
});
