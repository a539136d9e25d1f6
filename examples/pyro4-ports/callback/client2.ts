/**
 * Port of Pyro4's `examples/callback` (client2.py): callback methods that fail. `@callback` makes
 * pyrots report the error on this side too (on stderr), as Pyro4's `@Pyro4.callback` logs it;
 * without it only the caller (the server) sees it.
 */
import { Daemon, Proxy, PythonError, callback, expose } from "@pyrots/core";
import { print } from "../common/python.js";

class CallbackHandler {
  crash(): number {
    // Python's 1 // 0; JavaScript would give Infinity.
    throw new PythonError("builtins.ZeroDivisionError", "integer division or modulo by zero");
  }

  @expose
  call1(): number {
    print("\n\ncallback 1 received from server!");
    print("going to crash - you won't see the exception here, only on the server");
    return this.crash();
  }

  @expose
  @callback
  call2(): number {
    print("\n\ncallback 2 received from server!");
    print("going to crash - but you will see the exception here too");
    return this.crash();
  }
}

const daemon = await Daemon.create();
const handler = new CallbackHandler();
daemon.register(handler);

{
  await using server = new Proxy<{ doCallback(callback: CallbackHandler): void }>("PYRONAME:example.callback2");
  await server.doCallback(handler); // this is a oneway call, so we can continue right away
}

print("waiting for callbacks to arrive...");
print("(ctrl-c/break the program once it's done)");
await daemon.requestLoop();
