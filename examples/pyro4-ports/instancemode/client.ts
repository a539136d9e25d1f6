/**
 * Port of Pyro4's `examples/instancemode`, the client: which instance answers each call.
 */
import { Proxy } from "@pyrots/core";
import { print, tuple } from "../common/python.js";

interface Numbered {
  msg(message: string): unknown;
}

/** Prints the answers to three calls of `msg(message)` through one new proxy (one connection). */
async function threeCalls(name: string, message: string): Promise<void> {
  await using p = new Proxy<Numbered>(`PYRONAME:${name}`);
  for (let i = 0; i < 3; i++) {
    const answer = await p.msg(message);
    // A Python tuple arrives as an array.
    print(Array.isArray(answer) ? tuple(...answer) : answer);
  }
}

print("Showing the different instancing modes.");
print("The number printed, is the id of the instance that handled the call.");

print("\n-----PERCALL (different number every time) -----");
await using percall = new Proxy<Numbered>("PYRONAME:instance.percall");
print(await percall.msg("hello1"));
print(await percall.msg("hello2"));
print(await percall.msg("hello3"));

print("\n-----SESSION (same numbers within session) -----");
await threeCalls("instance.session", "hello1");
print(" ..new proxy..");
await threeCalls("instance.session", "hello2");

print("\n-----SINGLE (same number always) -----");
await threeCalls("instance.single", "hello1");
await threeCalls("instance.single", "hello2");
