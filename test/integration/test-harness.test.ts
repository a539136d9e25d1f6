/**
 * The test harness itself: the suites' child processes (`@pyrots/test-support`) do not outlive a
 * test process that ends early (mocha's forced exit once left a compat run's Python daemons running
 * for an hour), and a run that fails with something still open ends instead of hanging (the exit
 * watchdog of test/leak-check.mjs once never ran when the unhandled-rejection check failed first).
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runProcess } from "@pyrots/test-support";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const LEAKY_RUN = fileURLToPath(new URL("./fixtures/leaky-run.js", import.meta.url));

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

describe("a test run", () => {
  it("that fails with an unhandled rejection and a server left open still ends, naming what was open", async function () {
    this.timeout(60_000);
    const run = await runProcess(process.execPath, ["node_modules/.bin/mocha", "--config", ".mocharc.json", LEAKY_RUN], {
      cwd: REPO,
      env: { ...process.env, TEST_EXIT_BOUND_MS: "500" },
      timeoutMs: 45_000,
    });
    const output = run.stdout + run.stderr;
    expect(run.signal, "the run hung and was stopped").to.equal(null);
    expect(run.code, output).to.not.equal(0);
    expect(output).to.include("unhandled promise rejections").and.to.include("did not exit within 0.5 s of the last test");
    expect(output).to.match(/still active: .*TCPServerWrap/);
  });
});
