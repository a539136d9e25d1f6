/**
 * Smoke test of the runnable examples: each example's `dist/demo.js` runs as a child process and
 * must exit 0 within its time limit, printing the expected lines. Add an example by adding a row
 * to {@link EXAMPLES}.
 */
import { expect } from "chai";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runProcess } from "../support/process.js";

/** One example's demo run and what its output must contain. */
interface ExampleCase {
  /** The folder under `examples/`. */
  name: string;
  /** Arguments for `demo.js`. */
  args?: string[];
  /** Patterns each matching somewhere in stdout (use `m` with `^`/`$` for whole lines). */
  stdout: RegExp[];
  /** Patterns each matching somewhere in stderr. */
  stderr?: RegExp[];
  /** Kill and fail the demo after this long (default 20 s). */
  timeoutMs?: number;
}

const EXAMPLES: ExampleCase[] = [
  {
    name: "streaming",
    stdout: [
      /^client: primes: 2 3 5 7 11 13 17 19 23 29 \(stopped after 10\)$/m,
      /^server: primes stream closed after 10 items$/m,
      /^client: log: \[  5\] GET \/api\/items 200$/m,
      /^client: the server reports: primes stream closed after 10 items$/m,
      /^client: the server reports: tail stream closed after 5 lines$/m,
      /^demo finished$/m,
    ],
  },
  {
    name: "callbacks",
    stdout: [
      /^client: listener served at PYRO:obj_[0-9a-f]{32}@127\.0\.0\.1:\d+$/m,
      /^server: a listener subscribed: "listener \d+ is listening"$/m,
      /^client: reading 5: 20\.5 °C$/m,
      /^client: alarm at 41\.5 °C: refusing it$/m,
      /^client: done: station sent 5 readings; alarm refused with builtins\.ValueError: 41\.5 °C is out of the sensor's range$/m,
      /^demo finished$/m,
    ],
    stderr: [/^pyrots: error in callback alarm: RangeError: 41\.5 °C is out of the sensor's range$/m],
  },
];

const EXAMPLES_DIR = fileURLToPath(new URL("../../../examples/", import.meta.url));

describe("examples (smoke run of each dist/demo.js)", () => {
  for (const example of EXAMPLES) {
    const timeoutMs = example.timeoutMs ?? 20_000;

    it(`${example.name}: the demo exits 0 and prints the expected lines`, async function () {
      this.timeout(timeoutMs + 5_000);
      const demo = `${EXAMPLES_DIR}${example.name}/dist/demo.js`;
      expect(existsSync(demo), `${demo} is missing: build with \`npx tsc -b\` at the repository root`).to.equal(true);
      const result = await runProcess(process.execPath, [demo, ...(example.args ?? [])], { env: { ...process.env }, timeoutMs });
      const context = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
      expect(result.code, `exit code; ${context}`).to.equal(0);
      for (const pattern of example.stdout) expect(result.stdout, `stdout should match ${pattern}; ${context}`).to.match(pattern);
      for (const pattern of example.stderr ?? []) expect(result.stderr, `stderr should match ${pattern}; ${context}`).to.match(pattern);
    });
  }
});
