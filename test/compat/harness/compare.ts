/**
 * Compares a variant's run with the all-Python reference run, program by program.
 *
 * - stdout: always, after normalizing.
 * - stderr: for programs that are Python in both runs (the unchanged side: what a Pyro user's
 *   own program prints must not change), and for ported programs the scenario lists.
 * - exit code: for programs that ended by themselves.
 */
import type { ProgramOutput, RunResult } from "./run.js";
import { commonRules, lineDiff } from "./normalize.js";
import type { OutputInfo, Scenario } from "./scenario.js";

/** Normalized text of one output stream. */
export function normalized(scenario: Scenario, output: ProgramOutput, stream: "stdout" | "stderr"): string {
  const info: OutputInfo = { role: output.role, stream, implementation: output.implementation };
  const raw = stream === "stdout" ? output.stdout : output.stderr;
  const own = scenario.normalize ? scenario.normalize(raw, info) : raw;
  return commonRules(own).replace(/\s+$/, "");
}

/** The differences between `run` and `reference`, as readable paragraphs; empty when they agree. */
export function differences(scenario: Scenario, reference: RunResult, run: RunResult): string[] {
  const found: string[] = [];
  if (reference.failure) found.push(`the reference run (all Python) failed: ${reference.failure}\n${dump(scenario, reference)}`);
  if (run.failure) found.push(`the run failed: ${run.failure}\n${dump(scenario, run)}`);
  if (found.length > 0) return found;
  for (const [key, expected] of reference.outputs) {
    if (key === "nameserver") continue;
    const actual = run.outputs.get(key);
    if (!actual) {
      found.push(`${key} did not run`);
      continue;
    }
    const who = `${key} (${actual.implementation === "pyrots" ? "pyrots port" : "Python"})`;
    const streams: ("stdout" | "stderr")[] = ["stdout"];
    const bothPython = actual.implementation === "python" && expected.implementation === "python";
    if ((bothPython && !scenario.ignoreStderrOf?.includes(key)) || scenario.compareStderrOfPorts?.includes(key)) streams.push("stderr");
    for (const stream of streams) {
      let want = normalized(scenario, expected, stream);
      {
        for (const known of scenario.knownDifferences ?? []) {
          if (known.variant !== run.variant || known.key !== key || (known.stream ?? "stdout") !== stream) continue;
          if (!known.python.test(want)) found.push(`${who}: the known difference "${known.why}" no longer shows (${known.python} is not in Python's output)`);
          want = want.replace(known.python, known.pyrots);
        }
      }
      const got = normalized(scenario, actual, stream);
      if (want !== got) found.push(`${who} ${stream} differs from Python's (- Python against Python, + this run):\n${lineDiff(want, got)}`);
    }
    if (expected.code !== undefined && actual.code !== expected.code) {
      found.push(`${who} exited with code ${actual.code}, Python's with ${expected.code}; stderr:\n${actual.stderr}`);
    }
  }
  return found;
}

/** Every output of a run, raw, for failure messages. */
export function dump(scenario: Scenario, run: RunResult): string {
  const parts: string[] = [];
  for (const output of run.outputs.values()) {
    parts.push(`--- ${output.key} (${output.implementation}, exit ${output.code ?? "stopped"}) stdout:\n${output.stdout}`);
    if (output.stderr.trim()) parts.push(`--- ${output.key} stderr:\n${output.stderr}`);
  }
  return `${scenario.name}, ${run.variant}:\n${parts.join("\n")}`;
}
