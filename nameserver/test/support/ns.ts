/**
 * In-process name servers for tests: loopback only, no broadcast, no mDNS, no environment.
 */
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type NameServerOptions, type RunningNameServer, startNameServer } from "@pyrots/nameserver";

/** Starts a name server on 127.0.0.1 with a free port, never broadcasting or multicasting. */
export function startTestNs(options: NameServerOptions = {}): Promise<RunningNameServer> {
  return startNameServer({ host: "127.0.0.1", port: 0, broadcast: false, mdns: false, env: {}, ...options });
}

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), "pyrots-ns-test-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A loopback port nobody listens on (bound, then closed again). */
export async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A loopback TCP listener that counts the connections it gets (and closes them at once). */
export async function countingListener(): Promise<{ port: number; connections(): number } & AsyncDisposable> {
  let count = 0;
  const server = net.createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    connections: () => count,
    [Symbol.asyncDispose]: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
