/**
 * Port of Pyro4's `examples/autoreconnect` (client.py and, with `--ns`, clientNS.py): calls go on
 * after the server was restarted.
 *
 * Pyro4's `proxy._pyroReconnect()` tries to connect again until it succeeds; in pyrots that is
 * `bind(proxy)` in a loop (a `PYRONAME:` proxy looks its name up again). A pyrots proxy sees the
 * connection close as soon as the server goes, so the next call fails to connect (a
 * CommunicationError) rather than on a dead connection (ConnectionClosedError, a subclass).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { CommunicationError, Proxy, bind } from "@pyrots/core";
import { input, print } from "../common/python.js";

const viaNameServer = process.argv.includes("--ns");
let uri = "PYRONAME:example.autoreconnect";
if (viaNameServer) {
  print("Autoreconnect using Name Server.");
} else {
  print("Autoreconnect using PYRO uri.");
  // the server has to restart the object with the same id on the same port
  uri = (await input("Enter the uri that the server printed:")).trim();
}
const obj = new Proxy<{ method(arg: number): void }>(uri);

/** Pyro4's `_pyroReconnect()`: tries to connect every 2 seconds until the server is back. */
async function reconnect(): Promise<void> {
  for (;;) {
    try {
      await bind(obj);
      return;
    } catch (error) {
      if (!(error instanceof CommunicationError)) throw error;
      await sleep(2000);
    }
  }
}

for (;;) {
  print("call...");
  try {
    await obj.method(42);
    print("Sleeping 1 second");
    await sleep(1000);
  } catch (error) {
    if (!(error instanceof CommunicationError)) throw error;
    print("Connection lost. REBINDING...");
    print("(restart the server now)");
    await reconnect();
  }
}
