/**
 * Port of Pyro4's `examples/disconnects`, the server: connections idle for 5 seconds are closed.
 *
 * Pyro4 does this with COMMTIMEOUT on the server (its sockets time out); a pyrots daemon closes
 * idle connections after IDLE_TIMEOUT (`idleTimeout`) seconds, and uses COMMTIMEOUT only for the
 * proxies it makes (callbacks).
 */
import { expose } from "@pyrots/core";
import { print } from "../common/python.js";
import { serveSimple } from "../common/serve-simple.js";

class TestDisconnect {
  @expose
  echo(arg: unknown): unknown {
    print("echo: ", arg);
    return arg;
  }
}

await serveSimple([[TestDisconnect, "example.disconnect"]], { ns: false, idleTimeout: 5 });
