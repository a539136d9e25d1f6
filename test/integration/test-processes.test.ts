/**
 * The suites' child processes (`@pyrots/test-support`) do not outlive a test process that ends
 * early: mocha's forced exit once left a compat run's Python daemons running for hours.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { runProcess } from "@pyrots/test-support";

/** A test process that starts a child which ignores its stdin (as Python programs do), prints its pid and exits. */
const ABANDONING_PARENT = `
import { spawnProcess } from "@pyrots/test-support";
const child = spawnProcess("sleep", ["60"]);
console.log(child.pid);
setTimeout(() => process.exit(0), 100);
`;

/** True while `pid` is a live process (a zombie waiting for its parent to collect it counts as gone). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

describe("child processes of the suites", () => {
  it("are killed when the test process exits without stopping them", async () => {
    const run = await runProcess(process.execPath, ["--input-type=module", "-e", ABANDONING_PARENT], { timeoutMs: 15_000 });
    expect(run.code, run.stderr).to.equal(0);
    const pid = Number(run.stdout.trim());
    expect(pid).to.be.greaterThan(0);
    // SIGKILL is delivered at once; give the kernel a moment to take the process down.
    for (let i = 0; i < 50 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(alive(pid), `sleep (pid ${pid}) still running`).to.equal(false);
  });
});
