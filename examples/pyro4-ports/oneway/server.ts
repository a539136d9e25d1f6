/**
 * Port of Pyro4's `examples/oneway`, the server: oneway methods keep working after the client has
 * moved on.
 *
 * Pyro4 runs each oneway call in a thread of its own (ONEWAY_THREADED) so that the connection
 * stays responsive; a pyrots daemon takes further requests while an async method waits anyway.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { expose, oneway } from "@pyrots/core";
import { serveSimple } from "../common/serve-simple.js";

@expose
class Server {
  private busy = false;

  @oneway
  async oneway_start(duration: number): Promise<void> {
    console.log("start request received. Starting work...");
    this.busy = true;
    for (let i = 0; i < duration; i++) {
      await sleep(1000);
      console.log(duration - i);
    }
    console.log("work is done!");
    this.busy = false;
  }

  ready(): boolean {
    console.log(`ready status requested (${this.busy ? "False" : "True"})`);
    return !this.busy;
  }

  result(): string {
    return "The result :)";
  }

  nothing(): void {
    console.log("nothing got called, doing nothing");
  }

  @oneway
  async oneway_work(): Promise<void> {
    for (let i = 0; i < 10; i++) {
      console.log("work work..", i + 1);
      await sleep(1000);
    }
    console.log("work's done!");
  }
}

await serveSimple([[new Server(), "example.oneway"]]);
