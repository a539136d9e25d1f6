/**
 * Port of Pyro4's `examples/autoretry`, the server: it drops connections idle for half a second
 * (Pyro4: COMMTIMEOUT on the server; pyrots: IDLE_TIMEOUT, see the disconnects port).
 */
import { expose } from "@pyrots/core";
import { serveSimple } from "../common/serve-simple.js";

@expose
class CalcServer {
  add(num1: number, num2: number): number {
    console.log(`calling add: ${num1}, ${num2}`);
    return num1 + num2;
  }
}

await serveSimple([[CalcServer, "example.autoretry"]], { idleTimeout: 0.5 });
