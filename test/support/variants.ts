/**
 * The variants every integration suite runs under: each serializer over TCP, and msgpack over a
 * Unix socket. pyrots speaks serpent to Python at its defaults; here it is pyrots on both ends.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Daemon, type DaemonOptions } from "@pyrots/core";

/** One way of connecting. */
export interface Variant {
  name: string;
  serializer: "msgpack" | "json" | "serpent";
  transport: "tcp" | "unix";
}

/** The variants suites loop over. */
export const VARIANTS: readonly Variant[] = [
  { name: "msgpack over TCP", serializer: "msgpack", transport: "tcp" },
  { name: "json over TCP", serializer: "json", transport: "tcp" },
  { name: "serpent over TCP", serializer: "serpent", transport: "tcp" },
  { name: "msgpack over a Unix socket", serializer: "msgpack", transport: "unix" },
];

/** Starts a daemon for `variant` on loopback (or on a Unix socket in a fresh temp folder). */
export async function startDaemon(variant: Variant, options: DaemonOptions = {}): Promise<Daemon> {
  if (variant.transport === "tcp") return Daemon.create({ host: "127.0.0.1", ...options });
  const dir = mkdtempSync(join(tmpdir(), "pyrots-test-"));
  const daemon = await Daemon.create({ ...options, unixSocket: join(dir, "daemon.sock") });
  void daemon.requestLoop().then(() => rmSync(dir, { recursive: true, force: true }));
  return daemon;
}
