/**
 * Port of Pyro4's `examples/callback` (server.py): workers, made on the server for a client, call
 * the client back when their (oneway) work is done. The client's callback object arrives as a
 * proxy; the workers go back to the client as proxies (autoproxy).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Daemon, type Remote, expose, oneway } from "@pyrots/core";
import { serveSimple } from "../common/serve-simple.js";

/** The client's callback object. */
interface CallbackHandler {
  done(number: number): void;
}

class Worker {
  constructor(
    private readonly number: number,
    private readonly callback: Remote<CallbackHandler>,
    private readonly daemon: Daemon,
  ) {
    console.log(`Worker ${number} created`);
  }

  @expose
  @oneway
  async work(amount: number): Promise<void> {
    console.log(`Worker ${this.number} busy...`);
    await sleep(amount * 1000);
    console.log(`Worker ${this.number} done. Informing callback client.`);
    this.daemon.unregister(this);
    await this.callback.done(this.number); // invoke the callback object
  }
}

class CallbackServer {
  private number = 0;

  constructor(private readonly daemon: Daemon) {}

  @expose
  addworker(callback: Remote<CallbackHandler>): Worker {
    this.number += 1;
    console.log(`server: adding worker ${this.number}`);
    const worker = new Worker(this.number, callback, this.daemon);
    this.daemon.register(worker); // make it a Pyro object
    return worker;
  }
}

const daemon = await Daemon.create();
await serveSimple([[new CallbackServer(daemon), "example.callback"]], { daemon });
