/**
 * Port of Pyro4's `examples/usersession`, the client: every call carries the user token as an
 * annotation (Pyro4: a Proxy subclass overriding `_pyroAnnotations`; pyrots: `withOptions(proxy,
 * { annotations })`). Python's threads are concurrent async tasks here, each with its own proxy.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Proxy, type Remote, withOptions } from "@pyrots/core";
import { input, print } from "../common/python.js";

interface Database {
  store(key: string, value: number): void;
  retrieve(key: string): number;
}

/** A proxy whose calls carry the USER annotation. */
function customAnnotationProxy(uri: string): Remote<Database> {
  return withOptions(new Proxy<Database>(uri), { annotations: { USER: "user123" } });
}

let threads = 0;

/** Python's DbAccessor thread: three store/retrieve rounds through a proxy of its own. */
async function dbAccessor(uri: string): Promise<void> {
  const name = `Thread-${++threads}`;
  await using proxy = customAnnotationProxy(uri);
  for (let i = 0; i < 3; i++) {
    try {
      await proxy.store("number", 100 + i);
      const num = await proxy.retrieve("number");
      print(`[${name}] num=${num}`);
    } catch (error) {
      console.error(error instanceof Error ? error.message : error);
    }
  }
}

for (const [title, name] of [
  ["Session-Bound Database", "example.usersession.sessiondb"],
  ["Singleton Database", "example.usersession.singletondb"],
] as const) {
  print(`\n***** Sequential access using multiple proxies on the ${title}... (no issues)`);
  await using p1 = customAnnotationProxy(`PYRONAME:${name}`);
  await using p2 = customAnnotationProxy(`PYRONAME:${name}`);
  await p1.store("number", 42);
  await p1.retrieve("number");
  await p2.store("number", 43);
  await p2.retrieve("number");
}

for (const [title, name, note] of [
  ["Session-Bound Database", "example.usersession.sessiondb", "no issues"],
  ["Singleton Database", "example.usersession.singletondb", "threading problem"],
] as const) {
  print(`\n***** Multiple concurrent proxies on the ${title}... (${note})`);
  await input("enter to start: ");
  const t1 = dbAccessor(`PYRONAME:${name}`);
  const t2 = dbAccessor(`PYRONAME:${name}`);
  await sleep(1000);
  await Promise.all([t1, t2]);
}
