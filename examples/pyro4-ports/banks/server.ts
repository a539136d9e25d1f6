/**
 * Port of Pyro4's `examples/banks`, the server: two banks registered in the name server under the
 * prefix `example.banks.`.
 */
import { Daemon, locateNS } from "@pyrots/core";
import { print } from "../common/python.js";
import { ABN, Rabobank } from "./banks.js";

const daemon = await Daemon.create();
{
  await using ns = await locateNS();
  await ns.register("example.banks.rabobank", daemon.register(Rabobank));
  await ns.register("example.banks.abn", daemon.register(ABN));
  print("available banks:");
  print(Object.keys(await ns.list("example.banks.")));
}
print("Banks are ready for customers.");
await daemon.requestLoop();
