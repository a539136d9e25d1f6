/**
 * Runs compatibility scenarios by hand and shows what each program printed:
 *
 *   node test/dist/compat/run-example.js warehouse            # all three variants, compared
 *   node test/dist/compat/run-example.js warehouse python     # one variant, raw and normalized output
 *
 * Needs root (network namespaces), Python Pyro4 and Debian's pyro4-examples, as the suite does.
 */
import { differences, normalized } from "./harness/compare.js";
import { runScenario } from "./harness/run.js";
import { type Variant, variantsOf } from "./harness/scenario.js";
import { SCENARIOS } from "./scenarios/index.js";

const [name, variantArg] = process.argv.slice(2);
const scenario = SCENARIOS.find((s) => s.name === name || s.folder === name);
if (!scenario) {
  console.error(`usage: run-example.js NAME [python|pyrots-server|pyrots-client]; names: ${SCENARIOS.map((s) => s.name).join(", ")}`);
  process.exit(2);
}
const variants = variantArg ? [variantArg as Variant] : variantsOf(scenario);
const results = await Promise.all(variants.map((variant) => runScenario(scenario, variant, { keep: process.env.KEEP === "1" })));
for (const result of results) {
  console.log(`===== ${scenario.name}, ${result.variant}: ${result.seconds.toFixed(1)} s${result.failure ? `, FAILED: ${result.failure}` : ""}`);
  for (const output of result.outputs.values()) {
    console.log(`--- ${output.key} (${output.implementation}, exit ${output.code ?? "stopped"}) stdout:\n${output.stdout}`);
    if (output.stderr.trim()) console.log(`--- ${output.key} stderr:\n${output.stderr}`);
    if (variants.length === 1) {
      console.log(`--- ${output.key} normalized stdout:\n${normalized(scenario, output, "stdout")}`);
      if (output.stderr.trim()) console.log(`--- ${output.key} normalized stderr:\n${normalized(scenario, output, "stderr")}`);
    }
  }
}
if (variants.length > 1) {
  for (const result of results.slice(1)) {
    const found = differences(scenario, results[0]!, result);
    console.log(`===== ${result.variant}: ${found.length === 0 ? "same as Python" : `${found.length} difference(s)`}`);
    for (const text of found) console.log(text);
  }
}
