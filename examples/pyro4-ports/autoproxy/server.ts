/**
 * Port of Pyro4's `examples/autoproxy`, the server: a factory that makes objects, registers them
 * with the daemon and returns them; the client gets proxies to them (autoproxy).
 *
 * Pyro4 objects reach their daemon as `self._pyroDaemon`; in pyrots an object is given the daemon
 * it registers things with.
 */
import { Daemon, expose } from "@pyrots/core";
import { serveSimple } from "../common/serve-simple.js";

@expose
class Thingy {
  constructor(private readonly number: number) {}

  speak(message: string): void {
    console.log(`Thingy ${this.number} says: ${message}`);
  }
}

@expose
class Factory {
  constructor(private readonly daemon: Daemon) {}

  createSomething(number: number): Thingy {
    const thing = new Thingy(number);
    // Registered, it goes to the client as a proxy (AUTOPROXY); unregistered, it would be copied.
    this.daemon.register(thing);
    return thing;
  }
}

const daemon = await Daemon.create();
await serveSimple([[new Factory(daemon), "example.autoproxy"]], { daemon, ns: false });
