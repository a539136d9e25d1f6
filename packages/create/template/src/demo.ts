/**
 * `npm start`: everything on this machine in one command. Starts a name server in this process
 * (127.0.0.1, a free port, no broadcast or mDNS), then the worker and the client as child
 * processes pointed at it, and stops what it started when the client is done.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { startNameServer } from "@pyrots/nameserver";

/** Starts `node script` with `env`, printing its lines prefixed with `label`; `onLine` sees each stdout line. */
function start(label: string, script: string, env: NodeJS.ProcessEnv, onLine: (line: string) => void = () => undefined): ChildProcess {
  const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url))], { env, stdio: ["ignore", "pipe", "pipe"] });
  createInterface({ input: child.stdout! }).on("line", (line) => {
    console.log(`${label}: ${line}`);
    onLine(line);
  });
  createInterface({ input: child.stderr! }).on("line", (line) => console.error(`${label}: ${line}`));
  return child;
}

async function main(): Promise<void> {
  await using ns = await startNameServer({ host: "127.0.0.1", port: 0, broadcast: false, mdns: false });
  console.log(`name server: ${ns.uri}`);
  // The children find it through their PYRO_ environment; an empty NS_DISCOVERY never broadcasts.
  const env = { ...process.env, PYRO_HOST: "127.0.0.1", PYRO_NS_HOST: "127.0.0.1", PYRO_NS_PORT: String(ns.uri.port), PYRO_NS_DISCOVERY: "" };
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const worker = start("worker", "./server.js", env, (line) => line.startsWith("ready: ") && ready());
  const workerExit = once(worker, "close") as Promise<[number | null]>;
  try {
    await Promise.race([isReady, workerExit.then(([code]) => Promise.reject(new Error(`the worker exited (code ${code}) before it was ready`)))]);
    const client = start("client", "./client.js", env);
    const [code] = (await once(client, "close")) as [number | null];
    if (code !== 0) throw new Error(`the client failed (exit code ${code})`);
  } finally {
    if (worker.exitCode === null && worker.signalCode === null) worker.kill("SIGTERM");
    await workerExit;
  }
  console.log("done: worker stopped, name server closed");
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
});
