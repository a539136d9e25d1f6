/**
 * Port of Pyro4's `examples/callback` (server2.py): a oneway method that calls the client back
 * twice; both callbacks fail, and the server prints the remote tracebacks.
 */
import { type Remote, expose, oneway } from "@pyrots/core";
import { getPyroTraceback, print } from "../common/python.js";
import { serveSimple } from "../common/serve-simple.js";

interface CallbackHandler {
  call1(): number;
  call2(): number;
}

class CallbackServer {
  @expose
  @oneway
  async doCallback(callback: Remote<CallbackHandler>): Promise<void> {
    print("\n\nserver: doing callback 1 to client");
    try {
      await callback.call1();
    } catch (error) {
      print("got an exception from the callback:");
      print(getPyroTraceback(error));
    }
    print("\n\nserver: doing callback 2 to client");
    try {
      await callback.call2();
    } catch (error) {
      print("got an exception from the callback:");
      print(getPyroTraceback(error));
    }
    print("server: callbacks done.\n");
  }
}

await serveSimple([[new CallbackServer(), "example.callback2"]]);
