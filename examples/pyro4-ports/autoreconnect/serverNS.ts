/**
 * Port of Pyro4's `examples/autoreconnect` (serverNS.py): a restarted server takes its previous
 * port and object id from its registration in the name server.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Daemon, NamingError, expose, locateNS } from "@pyrots/core";

console.log("Autoreconnect using Name Server.");

@expose
class TestClass {
  async method(arg: number): Promise<void> {
    console.log(`Method called with ${arg}`);
    console.log("You can now try to stop this server with ctrl-C/ctrl-Break");
    await sleep(1000);
  }
}

const ns = await locateNS();
let daemon: Daemon;
try {
  const existing = await ns.lookup("example.autoreconnect");
  console.log(`Object still exists in Name Server with id: ${existing.object}`);
  console.log(`Previous daemon socket port: ${existing.port}`);
  // start the daemon on the previous port, and register the object with its old id
  daemon = await Daemon.create({ port: existing.port });
  daemon.register(TestClass, existing.object);
} catch (error) {
  if (!(error instanceof NamingError)) throw error;
  console.log("There was no previous registration in the name server.");
  daemon = await Daemon.create();
  await ns.register("example.autoreconnect", daemon.register(TestClass));
}

console.log("Server started.");
await daemon.requestLoop();
// note: the name server registration stays when the server ends
