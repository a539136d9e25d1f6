/**
 * Port of Pyro4's `examples/autoreconnect` (server.py): a server that can be restarted under the
 * same URI: a fixed port and a fixed object id.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Daemon, expose } from "@pyrots/core";

console.log("Autoreconnect using PYRO uri.");

@expose
class TestClass {
  async method(arg: number): Promise<void> {
    console.log(`Method called with ${arg}`);
    console.log("You can now try to stop this server with ctrl-C/ctrl-Break");
    await sleep(1000);
  }
}

// Clients reconnect to the same URI: the same port, and the same object id.
await using daemon = await Daemon.create({ port: 7777 });
const uri = daemon.register(TestClass, "example.autoreconnect_fixed_objectid");
console.log(`Server started, uri: ${uri}`);
await daemon.requestLoop();
