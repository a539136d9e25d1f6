/**
 * A name server to attack from another process (fuzz suite): TCP and its UDP broadcast responder,
 * both on 127.0.0.1 only (the responder answers unicast datagrams; nothing here broadcasts), plus
 * a `fuzz.diag` object on the same daemon to check its prototypes and memory.
 *
 * Prints `NS <uri>`, `BC <udp port>` and `DIAG <uri>` once it listens; stops on SIGTERM.
 */
import { expose } from "@pyrots/core";
import { startNameServer } from "@pyrots/nameserver";
import { diagnostics, prototypesClean, snapshotPrototypes } from "./diagnostics.js";

snapshotPrototypes();

const ns = await startNameServer({ host: "127.0.0.1", port: 0, broadcast: true, bcHost: "127.0.0.1", bcPort: 0, mdns: false });

@expose
class Diagnostics {
  prototypesClean(): string[] {
    return prototypesClean();
  }

  diagnostics(collect = false): Record<string, unknown> {
    if (collect) (globalThis as { gc?: () => void }).gc?.();
    return diagnostics(ns.daemon);
  }
}

const diagUri = ns.daemon.register(new Diagnostics(), "fuzz.diag");
process.once("SIGTERM", () => void ns.close());
process.stdout.write(`NS ${ns.uri}\nBC ${ns.broadcast!.address.port}\nDIAG ${diagUri}\n`);
await ns.stopped;
