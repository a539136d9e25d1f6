/**
 * Port of Pyro4's `examples/callback` (client.py): the client runs a daemon of its own for its
 * callback object and waits until every worker has called back.
 *
 * Pyro4's `requestLoop(loopCondition=...)` (with a COMMTIMEOUT so that the condition is checked)
 * becomes a promise that the callback resolves; the daemon serves meanwhile.
 */
import { randomInt } from "node:crypto";
import { Daemon, Proxy, type Remote, expose } from "@pyrots/core";
import { print } from "../common/python.js";

const NUM_WORKERS = 5;

interface Worker {
  work(amount: number): void;
}
interface CallbackServer {
  addworker(callback: CallbackHandler): Remote<Worker>;
}

let allDone!: () => void;
const allWorkDone = new Promise<void>((resolve) => (allDone = resolve));

class CallbackHandler {
  static workdone = 0;

  @expose
  done(number: number): void {
    print(`callback: worker ${number} reports work is done!`);
    CallbackHandler.workdone += 1;
    if (CallbackHandler.workdone === NUM_WORKERS) allDone();
  }
}

await using daemon = await Daemon.create();
// register our callback handler
const callback = new CallbackHandler();
daemon.register(callback);

// contact the server and put it to work
print("creating a bunch of workers");
{
  await using server = new Proxy<CallbackServer>("PYRONAME:example.callback");
  for (let i = 0; i < NUM_WORKERS; i++) {
    const worker = await server.addworker(callback); // provide our callback handler!
    await worker.work(randomInt(1, 6));
  }
}

print("waiting for all work complete...");
await allWorkDone;
print("done!");
