/**
 * A client script ends when its work is done: an idle proxy connection does not keep Node alive
 * (the first-hour issue: scripts used to hang until they called release()).
 */
import { expect } from "chai";
import { fileURLToPath } from "node:url";
import { Daemon, expose } from "@pyrots/core";
import { runProcess } from "@pyrots/test-support";

const SCRIPT = fileURLToPath(new URL("./fixtures/plain-client.js", import.meta.url));

@expose
class Service {
  echo(value: string): string {
    return value;
  }
  *count(n: number): Generator<number> {
    for (let i = 0; i < n; i++) yield i;
  }
}

describe("a client script without release()", () => {
  it("makes its calls, iterates a stream, and exits by itself with code 0", async () => {
    await using daemon = await Daemon.create({ host: "127.0.0.1" });
    const uri = daemon.register(Service, "service").toString();
    const run = await runProcess(process.execPath, [SCRIPT, uri], { env: { ...process.env }, timeoutMs: 15_000 });
    expect(run.stdout.trim().split("\n"), run.stderr).to.deep.equal(["first", "0,1,2", "ab"]);
    expect(run.code, run.stderr).to.equal(0);
  });
});
