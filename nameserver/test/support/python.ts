/**
 * The Python Pyro4 side of the interop suites: `/usr/bin/python3` (Debian's python3-pyro4 and
 * python3-msgpack). Without it a suite prints one line and is skipped, unless `REQUIRE_INTEROP=1`
 * turns that into a failure.
 */
import { spawnSync } from "node:child_process";
import { cleanEnv } from "./process.js";

/** The Python that has Pyro4 (not a pyenv shim first on PATH). */
export const PYTHON = process.env.PYROTS_PYTHON ?? "/usr/bin/python3";

let probe: { ok: boolean; reason: string } | undefined;
let announced = false;

/** Whether PYTHON can import Pyro4 and msgpack (probed once). */
export function pyro4Available(): { ok: boolean; reason: string } {
  probe ??= (() => {
    const result = spawnSync(PYTHON, ["-c", "import Pyro4, msgpack; print(Pyro4.__version__)"], { env: cleanEnv(), encoding: "utf8", timeout: 15_000 });
    if (result.error) return { ok: false, reason: result.error.message };
    if (result.status !== 0) return { ok: false, reason: result.stderr.trim().split("\n").pop() ?? "import failed" };
    return { ok: true, reason: `Pyro4 ${result.stdout.trim()}` };
  })();
  return probe;
}

/** `describe` that is skipped without Python Pyro4 (one visible line) or fails with REQUIRE_INTEROP=1. */
export function describeInterop(title: string, body: (this: Mocha.Suite) => void): Mocha.Suite {
  return describe(title, function () {
    before(function () {
      const status = pyro4Available();
      if (status.ok) return;
      if (process.env.REQUIRE_INTEROP === "1") throw new Error(`REQUIRE_INTEROP=1 but Python Pyro4 is not usable at ${PYTHON}: ${status.reason}`);
      if (!announced)
        console.log(`nameserver interop: Python Pyro4 not found at ${PYTHON} (${status.reason}; apt-get install python3-pyro4 python3-msgpack) — skipping`);
      announced = true;
      this.skip();
    });
    body.call(this);
  });
}

/** Environment for Python Pyro4 processes: msgpack accepted by daemons, unbuffered output. */
export function pythonEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1", PYRO_SERIALIZERS_ACCEPTED: "serpent,json,marshal,msgpack", ...extra };
}
