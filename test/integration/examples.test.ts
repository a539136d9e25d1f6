/**
 * Smoke test of the runnable examples: each example's `dist/demo.js` runs as a child process and
 * must exit 0 within its time limit, printing the expected lines. Add an example by adding a row
 * to {@link EXAMPLES}.
 */
import { expect } from "chai";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runProcess } from "@pyrots/test-support";
import { pythonPyro4 } from "../support/python.js";

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

/** The web example also opens its page in chromium when there is one (and must, under REQUIRE_BROWSER=1). */
const browserLines =
  existsSync("/usr/bin/chromium") || process.env.REQUIRE_BROWSER === "1"
    ? [
        /^browser> setTarget\(23\.5\): 23\.5$/m,
        /^browser> readings \(streamed\): (\d\d\.\d ){4}\d\d\.\d$/m,
        /^browser> setTarget\(99\) raised builtins\.ValueError: 99 °C is out of range \(5-30 °C\)$/m,
        /^browser> page shows: living room, \d\d\.\d °C, target 23\.5 °C$/m,
      ]
    : [/^browser: skipped \(\/usr\/bin\/chromium not found/m];

const EXAMPLES: ExampleCase[] = [
  {
    name: "streaming",
    stdout: [
      /^client: primes: 2 3 5 7 11 13 17 19 23 29 \(stopped after 10\)$/m,
      // A pyrots client fetches items in batches of 1, 2, 4, ...: 10 taken, 15 made.
      /^server: primes stream closed after 15 items$/m,
      /^client: log: \[  5\] GET \/api\/items 200$/m,
      /^client: the server reports: primes stream closed after 15 items$/m,
      /^client: the server reports: tail stream closed after 7 lines$/m,
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
      /^client: alarm callback failed here too, as expected: RangeError: 41\.5 °C is out of the sensor's range$/m,
      /^client: done: station sent 5 readings; alarm refused with builtins\.ValueError: 41\.5 °C is out of the sensor's range$/m,
      /^demo finished$/m,
    ],
  },
  {
    // What `npm start` runs.
    name: "currency",
    stdout: [
      /^name server  PYRO:Pyro\.NameServer@127\.0\.0\.1:\d+$/m,
      /^worker       PYRO:example\.currency@127\.0\.0\.1:\d+ \(child process \d+, registered as example\.currency\)$/m,
      /^client       new Proxy\("PYRONAME:example\.currency@127\.0\.0\.1:\d+"\)$/m,
      /^  EUR\/USD +1\.08\d\d +\d{3} ms$/m,
      /^  USD\/CAD +1\.35\d\d +\d{3} ms$/m,
      /^Sync calls: \d+\.\d\d seconds$/m,
      /^Async calls: \d+\.\d\d seconds \(\d+\.\dx faster\)$/m,
      /^Done: worker stopped, name server closed\.$/m,
    ],
  },
  {
    name: "distributed-mergesort",
    args: ["--workers", "2", "--count", "20000"],
    stdout: [
      /^name server PYRO:Pyro\.NameServer@127\.0\.0\.1:\d+ \(child process \d+\)$/m,
      /^worker      example\.mergesort\.worker\.2 -> PYRO:\S+@127\.0\.0\.1:\d+ \(child process \d+\)$/m,
      /^Found 2 workers under example\.mergesort\.worker\.\* \(one pool proxy, least calls in flight first\)$/m,
      /^Sorting 20,000 random integers by Collatz stopping time/m,
      /^  example\.mergesort\.worker\.1 +\d+ chunks +\d+ ms$/m,
      /^Result checked: identical to the local sort \(20,000 numbers\)\.$/m,
      /^Distributed: \d+\.\d\d seconds \(8 chunks over 2 worker processes, then a 8-way merge\)$/m,
      /^Local: +\d+\.\d\d seconds/m,
      /^Speed-up: +\d+\.\d\dx /m,
      /^Done: workers stopped, name server closed\.$/m,
    ],
  },
  {
    // Small numbers: one worker is still SIGKILLed and one drained mid-run, and no task may be lost.
    name: "worker-pool",
    args: ["--workers", "3", "--tasks", "900", "--concurrency", "16"],
    stdout: [
      /^worker +example\.pool\.worker\.3 -> PYRO:\S+@127\.0\.0\.1:\d+ \(child process \d+\)$/m,
      /^  at 300 done: example\.pool\.worker\.2 killed \(SIGKILL\)$/m,
      /^  at 600 done: example\.pool\.worker\.3 drained \(SIGTERM\) and exited$/m,
      /^  example\.pool\.worker\.1 +[\d,]+ +ok$/m,
      /^Tasks: 900 sent, 900 finished, 0 failed, 0 lost, 0 duplicates, 0 wrong results \(every task finished exactly once\)$/m,
      /^Retries: \d+ /m,
      /^example\.pool\.worker\.3: stopped after \d+ tasks \(drain finished in \d+\.\d\d s\)$/m,
      /^Done: workers stopped, name server closed\.$/m,
    ],
    timeoutMs: 40_000,
  },
  {
    name: "web",
    stdout: [
      /^gateway      http:\/\/127\.0\.0\.1:\d+\/pyro\/ \(console: http:\/\/127\.0\.0\.1:\d+\/console\/\)$/m,
      /^node>    reading: 21\.0 °C in the living room, target 21\.0 °C$/m,
      /^node>    setTarget\(99\) raised builtins\.ValueError: 99 °C is out of range \(5-30 °C\)$/m,
      /^node>    readings \(streamed\): 21\.8 22\.3 22\.6 22\.9 23\.1$/m,
      ...browserLines,
      /^Done: gateway, worker and name server stopped\.$/m,
    ],
    timeoutMs: 40_000,
  },
  {
    // Without Python Pyro4 the demo says so and exits 0; under REQUIRE_INTEROP=1 that exit is 1.
    name: "python-interop",
    stdout:
      pythonPyro4().ok || process.env.REQUIRE_INTEROP === "1"
        ? [
            /^   python> greet: Hello Python, from TypeScript$/m,
            /^   python> countdown \(a remote generator\): \[5, 4, 3, 2, 1\]$/m,
            /^   python> checkedSqrt\(-1\) raised ValueError: cannot take the square root of -1$/m,
            /^   pyrots> factorize\(360360\): 2 × 2 × 2 × 3 × 3 × 5 × 7 × 11 × 13$/m,
            /^   pyrots> squares \(a Python generator, streamed\): 0 1 4 9 16 25$/m,
            /^   pyrots> divide\(1, 0\) raised ZeroDivisionError: division by zero$/m,
            /^Done: both directions worked\.$/m,
          ]
        : [/^python-interop: skipped — .* cannot import Pyro4 and msgpack/m],
  },
];

/** A line of a JavaScript stack trace: `    at fn (file:///...:12:34)`. */
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

const EXAMPLES_DIR = fileURLToPath(new URL("../../../examples/", import.meta.url));

describe("examples (smoke run of each dist/demo.js)", () => {
  for (const example of EXAMPLES) {
    const timeoutMs = example.timeoutMs ?? 20_000;

    it(`${example.name}: the demo exits 0 and prints the expected lines`, async function () {
      this.timeout(timeoutMs + 5_000);
      const demo = `${EXAMPLES_DIR}${example.name}/dist/demo.js`;
      expect(existsSync(demo), `${demo} is missing: build with \`npm run build\` at the repository root`).to.equal(true);
      const result = await runProcess(process.execPath, [demo, ...(example.args ?? [])], { env: { ...process.env }, timeoutMs });
      const context = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
      expect(result.code, `exit code; ${context}`).to.equal(0);
      for (const pattern of example.stdout) expect(result.stdout, `stdout should match ${pattern}; ${context}`).to.match(pattern);
      for (const pattern of example.stderr ?? []) expect(result.stderr, `stderr should match ${pattern}; ${context}`).to.match(pattern);
      // An expected error is output like any other; a stack trace would read as a crash.
      expect(result.stderr, `stderr should hold no stack trace; ${context}`).not.to.match(STACK_FRAME);
    });
  }
});
