/**
 * Mocha root hooks: an unhandled promise rejection anywhere in the process fails the test that
 * was running (mocha on its own lets it pass). No wire input may end in one, and this is how the
 * suites notice when one does.
 */
const unhandled = [];
process.on("unhandledRejection", (reason) => unhandled.push(reason));

function check(where) {
  if (unhandled.length === 0) return;
  const reasons = unhandled.splice(0);
  const first = reasons[0];
  const text = first instanceof Error ? (first.stack ?? first.message) : String(first);
  throw new Error(`${reasons.length} unhandled promise rejection(s) ${where}; the first: ${text}`);
}

export const mochaHooks = {
  afterEach() {
    check("during this test");
  },
  afterAll() {
    check("after the last test");
  },
};
