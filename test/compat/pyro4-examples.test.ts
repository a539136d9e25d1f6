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
import { type Scenario, type Variant, variantsOf } from "./harness/scenario.js";
import { EXAMPLES_HINT, PYRO4_EXAMPLES, examplesAvailable } from "./harness/source.js";
import { SCENARIOS } from "./scenarios/index.js";
import { requireNetns } from "../support/netns.js";
import { PYTHON, requirePython } from "../support/python.js";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Titles of the two checks per example. */
const CHECKS: readonly { variant: Exclude<Variant, "python">; title: string }[] = [
  { variant: "pyrots-server", title: "the unchanged Python client against the pyrots server: same output as Python against Python" },
  { variant: "pyrots-client", title: "the pyrots client against the unchanged Python server: same output as Python against Python" },
];

let announced = false;

const importable = new Map<string, boolean>();

/** The modules of `scenario.pythonModules` that the Python cannot import. */
function missingModules(scenario: Scenario): string[] {
  return (scenario.pythonModules ?? []).filter((module) => {
    if (!importable.has(module)) importable.set(module, spawnSync(PYTHON, ["-c", `import ${module}`], { timeout: 15_000 }).status === 0);
    return !importable.get(module);
  });
}

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
    const ready = SCENARIOS.filter((scenario) => missingModules(scenario).length === 0);
    scheduler.schedule(ready.flatMap((scenario) => variantsOf(scenario).map((variant) => ({ scenario, variant }))));
  });

  after(async function () {
    this.timeout(15 * 60_000);
    await scheduler.stop();
  });

  for (const scenario of SCENARIOS) {
    describe(scenario.name, function () {
      before(function () {
        const missing = missingModules(scenario);
        if (missing.length === 0) return;
        const what = `${scenario.name} needs the Python modules ${missing.join(", ")} (Debian: python3-tz, python3-dateutil)`;
        if (process.env.REQUIRE_INTEROP === "1") throw new Error(`compat: ${what} (REQUIRE_INTEROP=1)`);
        console.log(`compat: ${what} — skipping`);
        this.skip();
      });
      for (const check of CHECKS.filter((check) => variantsOf(scenario).includes(check.variant))) {
        it(check.title, async function () {
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
