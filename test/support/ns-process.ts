/**
 * `pyro-ns` as a real child process on 127.0.0.1 (no broadcast, no mDNS), for suites that kill,
 * restart or partition name servers: replicas on one etcd cluster, leases, chaos.
 */
import { fileURLToPath } from "node:url";
import { type NameServerProxy, Proxy } from "@pyrots/core";
import { type Spawned, spawnProcess } from "./process.js";

/** The compiled pyro-ns entry point. */
export const NS_BIN = fileURLToPath(new URL("../../../nameserver/dist/bin/ns.js", import.meta.url));

/** A running pyro-ns child. */
export interface NsProcess {
  readonly proc: Spawned;
  readonly pid: number;
  /** Its `PYRO:Pyro.NameServer@127.0.0.1:PORT` URI. */
  readonly uri: string;
  readonly port: number;
  /** SIGKILLs it and waits for its exit. */
  kill(): Promise<void>;
  /** Stops it (SIGTERM, then SIGKILL) and waits. */
  stop(): Promise<void>;
}

/** Starts `pyro-ns -s SPEC` on a free port (or `port`) and waits for its URI line. */
export async function startNsProcess(storage: string, options: { port?: number; extraArgs?: string[] } = {}): Promise<NsProcess> {
  const args = [NS_BIN, "-n", "127.0.0.1", "-p", String(options.port ?? 0), "-s", storage, "-x", "--no-mdns", ...(options.extraArgs ?? [])];
  const env: NodeJS.ProcessEnv = {};
  // Only what node needs: no PYRO_* settings of the developer's shell leak into the child.
  for (const key of ["PATH", "HOME", "LANG", "TMPDIR"]) if (process.env[key] !== undefined) env[key] = process.env[key];
  const proc = spawnProcess(process.execPath, args, { env });
  try {
    const [, uri, port] = (await proc.waitForLine(/^URI = (PYRO:Pyro\.NameServer@127\.0\.0\.1:(\d+))$/, 20_000)) as unknown as [string, string, string];
    return {
      proc,
      pid: proc.pid,
      uri,
      port: Number(port),
      async kill() {
        try {
          process.kill(proc.pid, "SIGKILL");
        } catch {
          // Already gone.
        }
        await proc.exited;
      },
      stop: () => proc.stop(),
    };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}

/** A proxy for a name server with every overload of its API (msgpack). */
export function nsProxy(uri: string): NameServerProxy & AsyncDisposable {
  return new Proxy(uri, { serializer: "msgpack", env: {} }) as unknown as NameServerProxy & AsyncDisposable;
}
