/**
 * What servA.py, servB.py and servC.py of Pyro4's `examples/circular` each do, for one link:
 * host a {@link Chain} link and register it in the name server as `example.chain.<thisNode>`.
 */
import { Daemon, locateNS } from "@pyrots/core";
import { print } from "../common/python.js";
import { Chain } from "./chain.js";

/** Serves link `thisNode`, which passes messages to `nextNode`, until the process is stopped. */
export async function serveLink(thisNode: string, nextNode: string): Promise<void> {
  await using daemon = await Daemon.create();
  const uri = daemon.register(new Chain(thisNode, nextNode));
  {
    await using ns = await locateNS();
    await ns.register(`example.chain.${thisNode}`, uri);
  }
  print(`Server started ${thisNode}`);
  await daemon.requestLoop();
}
