/**
 * The compatibility suite: Pyro4's own examples (Debian's `pyro4-examples`), unchanged, against
 * their pyrots ports (`examples/pyro4-ports/`). For each example, the unchanged Python client runs
 * against the pyrots port of its server, and the pyrots port of its client against the unchanged
 * Python server; every program's output must equal what it prints when Python runs both sides
 * (after normalizing what legitimately differs, see `harness/normalize.ts` and each scenario).
 *
 * Every run has its own network namespace (an "island" with only loopback), so examples keep their
 * fixed ports while running in parallel, and nothing they send leaves the machine. Needs Python
 * Pyro4, the examples (`apt-get install -y pyro4-examples`) and root for the namespaces: without
 * them the suite is skipped with one line, and `REQUIRE_INTEROP=1` / `REQUIRE_NETNS=1` (set by
 * `.ci/run`) turn that skip into a failure.
 *
 * Runs by hand: `node test/dist/compat/run-example.js NAME`.
 */
import { expect } from "chai";
import { differences } from "./harness/compare.js";
import { PORTS_DIST } from "./harness/run.js";
import { RunScheduler } from "./harness/scheduler.js";
import { type Scenario, type Variant, VARIANTS } from "./harness/scenario.js";
import { EXAMPLES_HINT, PYRO4_EXAMPLES, examplesAvailable } from "./harness/source.js";
import { SCENARIOS } from "./scenarios/index.js";
import { requireNetns } from "../support/netns.js";
import { requirePython } from "../support/python.js";
import { existsSync } from "node:fs";

/** Titles of the two checks per example. */
const CHECKS: readonly { variant: Exclude<Variant, "python">; title: string }[] = [
  { variant: "pyrots-server", title: "the unchanged Python client against the pyrots server: same output as Python against Python" },
  { variant: "pyrots-client", title: "the pyrots client against the unchanged Python server: same output as Python against Python" },
];

/** True when `variant` of `scenario` can run: every role of the side it ports has a port. */
function runnable(scenario: Scenario, variant: Variant): boolean {
  const side = variant === "pyrots-server" ? "server" : variant === "pyrots-client" ? "client" : undefined;
  return Object.values(scenario.roles).every((role) => role.side !== side || role.pyrots !== undefined);
}

let announced = false;

describe("Pyro4's own examples, unchanged, against their pyrots ports", function () {
  const scheduler = new RunScheduler();

  before(function () {
    const examples = examplesAvailable();
    if (!examples.ok) {
      if (process.env.REQUIRE_INTEROP === "1") {
        throw new Error(`compat: Pyro4's examples are required (REQUIRE_INTEROP=1) but missing: ${examples.reason} (${EXAMPLES_HINT})`);
      }
      if (!announced) console.log(`compat: Pyro4's examples not found in ${PYRO4_EXAMPLES} (${EXAMPLES_HINT}) — skipping`);
      announced = true;
      this.skip();
    }
    requirePython(this);
    requireNetns(this);
    expect(existsSync(PORTS_DIST), `${PORTS_DIST} is missing: build with \`npm run build\``).to.equal(true);
    scheduler.schedule(SCENARIOS.flatMap((scenario) => VARIANTS.filter((variant) => runnable(scenario, variant)).map((variant) => ({ scenario, variant }))));
  });

  for (const scenario of SCENARIOS) {
    describe(scenario.name, function () {
      for (const check of CHECKS) {
        const run = runnable(scenario, check.variant) ? it : it.skip;
        run(check.title, async function () {
          // Runs were all started in `before`; this one may still be queued behind others.
          this.timeout(15 * 60_000);
          const [reference, result] = await Promise.all([scheduler.result(scenario, "python"), scheduler.result(scenario, check.variant)]);
          const found = differences(scenario, reference, result);
          expect(found, `${scenario.name}:\n${found.join("\n\n")}`).to.deep.equal([]);
        });
      }
    });
  }
});
