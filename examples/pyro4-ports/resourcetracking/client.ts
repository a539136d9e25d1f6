/**
 * Port of Pyro4's `examples/resourcetracking`, the client: allocates two resources and frees
 * them, unless it is stopped before (then the server frees them when the connection ends).
 */
import { randomInt } from "node:crypto";
import { Proxy } from "@pyrots/core";
import { input, print } from "../common/python.js";

interface Service {
  allocate(name: string): void;
  free(name: string): void;
  list(): string[];
}

const uri = await input("Enter the URI of the server object: ");
{
  await using proxy = new Proxy<Service>(uri.trim());
  print("currently allocated resources:", await proxy.list());
  const name1 = randomInt(0, 1000000).toString(16).slice(-4);
  const name2 = randomInt(0, 1000000).toString(16).slice(-4);
  print("allocating resource...", name1);
  await proxy.allocate(name1);
  print("allocating resource...", name2);
  await proxy.allocate(name2);
  await input("\nhit Enter now to continue normally or ^C/break to abort the connection forcefully:");
  print("free resources normally...");
  await proxy.free(name1);
  await proxy.free(name2);
  print("allocated resources:", await proxy.list());
}
print("done.");
