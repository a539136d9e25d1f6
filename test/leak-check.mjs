/**
 * Mocha root hooks: every test file closes what it opens. The resources that keep Node running
 * (`process.getActiveResourcesInfo()`: sockets, servers, child processes, timers) are counted
 * before a file's first hook and again after its last one; whatever is still open a few seconds
 * later fails that file's last "after all" hook, naming the kinds of resources left behind. And as
 * mocha runs without `exit: true`, a run that leaks something this cannot see (a worker thread)
 * does not end by itself: a watchdog then names what is still active and fails the run.
 */
const SETTLE_MS = 3_000;
/** How long a finished run may take to exit (`TEST_EXIT_BOUND_MS`: the watchdog's own test shortens it). */
const EXIT_BOUND_MS = Number(process.env.TEST_EXIT_BOUND_MS) > 0 ? Number(process.env.TEST_EXIT_BOUND_MS) : 15_000;

function counts() {
  const byType = new Map();
  for (const type of process.getActiveResourcesInfo()) byType.set(type, (byType.get(type) ?? 0) + 1);
  return byType;
}

function excess(before, after) {
  const left = [];
  for (const [type, n] of after) if (n > (before.get(type) ?? 0)) left.push(`${n - (before.get(type) ?? 0)} ${type}`);
  return left;
}

/** Waits until nothing beyond `before` is active (closing sockets take a moment); returns what stayed. */
async function settle(before) {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const left = excess(before, counts());
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Wraps each file's top-level suites: a baseline before the first, a check after the last. */
function watchFiles(root) {
  const byFile = new Map();
  for (const suite of root.suites) {
    if (!suite.file) continue;
    const suites = byFile.get(suite.file) ?? [];
    suites.push(suite);
    byFile.set(suite.file, suites);
  }
  for (const [file, suites] of byFile) {
    let baseline = new Map();
    const first = suites[0];
    // Async like the check, and counted after an await: mocha's timer for the hook is then
    // running in both, and cancels out.
    first.beforeAll(`leak check: resources before ${file}`, async () => {
      await null;
      baseline = counts();
    });
    // Suite has no way to add a hook in front of the others: move ours there, so the baseline is
    // taken before the file's own "before all" hooks open anything.
    first._beforeAll.unshift(first._beforeAll.pop());
    suites.at(-1).afterAll(`leak check: what ${file} left open`, async function () {
      this.timeout(SETTLE_MS + 5_000);
      const left = await settle(baseline);
      if (left.length > 0)
        throw new Error(`${file} left open: ${left.join(", ")} (close servers, sockets, proxies, child processes and timers in after/afterEach hooks)`);
    });
  }
}

/** Ends the process, naming what is still active, if it has not ended by itself in time. */
function armExitWatchdog() {
  setTimeout(() => {
    console.error(
      `\n  the test process did not exit within ${EXIT_BOUND_MS / 1000} s of the last test; still active: ${process.getActiveResourcesInfo().join(", ") || "(nothing Node lists: a worker thread?)"}\n`,
    );
    process.exit(1);
  }, EXIT_BOUND_MS).unref();
}

export const mochaHooks = {
  beforeAll() {
    const root = this.test.parent;
    watchFiles(root);
    // First of the root's "after all" hooks: mocha skips the rest of them once one fails (the
    // unhandled-rejection check in strict-process.mjs fails by throwing), and a run that failed
    // that way while something still held the process open would otherwise never end.
    root.afterAll("exit watchdog", armExitWatchdog);
    root._afterAll.unshift(root._afterAll.pop());
  },
};
