/**
 * Mocha root hooks: an unhandled promise rejection anywhere in the process fails the run (mocha on
 * its own lets it pass). No wire input may end in one, and this is how the suites notice when one
 * does. Each is reported with the test that was running; the run goes on (a failing afterEach
 * hook would make mocha skip everything after it) and fails at the end.
 */
const unhandled = [];
const reported = [];
process.on("unhandledRejection", (reason) => unhandled.push(reason));

function describe(reason) {
  return reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
}

export const mochaHooks = {
  afterEach() {
    if (unhandled.length === 0) return;
    const reasons = unhandled.splice(0);
    const title = this.currentTest?.fullTitle() ?? "(unknown test)";
    reported.push(`${title}: ${reasons.length} unhandled rejection(s); the first: ${describe(reasons[0])}`);
    console.error(`\n  unhandled promise rejection during "${title}": ${describe(reasons[0])}\n`);
  },
  afterAll() {
    for (const reason of unhandled.splice(0)) reported.push(`after the last test: ${describe(reason)}`);
    if (reported.length > 0) throw new Error(`unhandled promise rejections (every one fails the run):\n${reported.join("\n")}`);
  },
};
