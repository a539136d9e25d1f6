/**
 * Both directions on this machine: a Python Pyro4 client calls a pyrots worker, then a pyrots
 * client calls a Python Pyro4 worker. Needs `/usr/bin/python3` with Pyro4 and msgpack
 * (Debian: python3-pyro4 python3-msgpack; another interpreter via `PYROTS_PYTHON`); without them
 * it says so and exits 0, unless `REQUIRE_INTEROP=1`, which makes that a failure.
 *
 *     node examples/python-interop/dist/demo.js
 */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { runMain, startChild } from "@pyrots/example-support";
import { runClient } from "./client.js";
import { startServer } from "./server.js";

const PYTHON = process.env.PYROTS_PYTHON ?? "/usr/bin/python3";
const script = (name: string) => fileURLToPath(new URL(`../python/${name}`, import.meta.url));
// Unbuffered, so the Python lines show up as they are printed.
const PY_ENV = { PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1" };

runMain(async () => {
  const probe = spawnSync(PYTHON, ["-c", "import Pyro4, msgpack; print(Pyro4.__version__)"], { encoding: "utf8" });
  if (probe.status !== 0) {
    const reason = probe.error?.message ?? probe.stderr.trim().split("\n").pop();
    const line = `python-interop: skipped — ${PYTHON} cannot import Pyro4 and msgpack (${reason}); install them with: apt-get install python3-pyro4 python3-msgpack`;
    if (process.env.REQUIRE_INTEROP === "1") throw new Error(`${line} (REQUIRE_INTEROP=1 makes this a failure)`);
    console.log(line);
    return;
  }
  console.log(`Using ${PYTHON} with Pyro4 ${probe.stdout.trim()}\n`);

  console.log("1. A Python Pyro4 client at its defaults (serpent) calls a pyrots worker");
  const { daemon, uri } = await startServer();
  void daemon.requestLoop();
  try {
    console.log(`   pyrots worker: ${uri}`);
    await runPython([script("client.py"), uri], PY_ENV, (line) => console.log(`   python> ${line}`));
  } finally {
    await daemon.shutdown();
  }

  console.log('\n2. A pyrots client (serializer: "serpent") calls a Python Pyro4 worker at its defaults');
  const worker = await startChild(PYTHON, [script("worker.py")], PY_ENV, /^python worker uri: (\S+)/, () => undefined);
  try {
    console.log(`   python worker: ${worker.ready[1]} (child process ${worker.child.pid})`);
    await runClient(worker.ready[1]!, (line) => console.log(`   pyrots> ${line}`));
  } finally {
    await worker.stop();
  }
  console.log("\nDone: both directions worked.");
});

/** Runs a Python script to the end, passing each stdout line to `echo`; fails on a non-zero exit. */
async function runPython(args: string[], env: Record<string, string>, echo: (line: string) => void): Promise<void> {
  const child = spawn(PYTHON, args, { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ...env } });
  createInterface({ input: child.stdout }).on("line", echo);
  const code = await new Promise<number | null>((resolve, reject) => child.once("error", reject).once("exit", resolve));
  if (code !== 0) throw new Error(`${PYTHON} ${args.join(" ")} exited with code ${code}`);
}
