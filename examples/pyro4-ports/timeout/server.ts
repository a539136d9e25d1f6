/**
 * Port of Pyro4's `examples/timeout`, the server: one daemon that answers, and one whose request
 * loop never runs, so that connecting to it times out.
 *
 * A pyrots daemon answers from `Daemon.create()` on; `serveFrom: "requestLoop"` makes it wait for
 * `requestLoop()` as a Pyro4 daemon does (connections are accepted, then left unanswered).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Daemon, expose, locateNS } from "@pyrots/core";

@expose
class TimeoutServer {
  async delay(amount: number): Promise<string> {
    console.log(`sleeping ${amount}`);
    await sleep(amount * 1000);
    console.log("done.");
    return `slept ${amount} seconds`;
  }
}

const ns = await locateNS();
const daemon = await Daemon.create({ commTimeout: 0 }); // the server won't be using timeouts
const daemon2 = await Daemon.create({ commTimeout: 0, serveFrom: "requestLoop" });
await ns.register("example.timeout", daemon.register(new TimeoutServer()));
await ns.register("example.timeout.frozendaemon", daemon2.register(new TimeoutServer()));
console.log("Server ready.");
// Only the first daemon's request loop runs: daemon2 simulates a frozen server.
await daemon.requestLoop();
