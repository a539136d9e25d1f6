/**
 * Port of Pyro4's `examples/async/client.py`. Python's asynchronous proxy (`_pyroAsync()`) returns
 * a future for each call, with `.ready`, `.wait(timeout)` and `.value`; in pyrots every call
 * returns a promise already: start calls without awaiting them, await them when the value is
 * needed, and race one against a timer to wait a limited time.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Proxy, RemoteError } from "@pyrots/core";
import { input, print, repr } from "../common/python.js";

interface Thingy {
  divide(a: number, b: number): number;
  multiply(a: number, b: number): number;
}

/** A call in progress, and whether it has finished (Python's `asyncresult.ready`). */
class Pending<T> {
  ready = false;
  constructor(readonly result: Promise<T>) {
    result.then(
      () => (this.ready = true),
      () => (this.ready = true),
    );
  }

  /** Waits at most `seconds` for the call to finish; true if it has (Python's `asyncresult.wait`). */
  async wait(seconds: number): Promise<boolean> {
    const timer = new AbortController();
    const finished = this.result.then(
      () => true,
      () => true,
    );
    const late = sleep(seconds * 1000, false, { signal: timer.signal }).catch(() => false);
    const ready = await Promise.race([finished, late]);
    timer.abort();
    return ready;
  }
}

const uri = (await input("enter async server object uri: ")).trim();
// Five connections at most, for calls in flight at once to a Python daemon (one call per
// connection there); a pyrots daemon takes them all on one.
await using proxy = new Proxy<Thingy>(uri, { poolSize: 5 });

print("* normal call: (notice the delay)");
print("result=", await proxy.divide(100, 5));

print("\n* async call:");
let asyncresult = new Pending(proxy.divide(100, 5)); // returns immediately
print("result value available?", asyncresult.ready); // False: the server is still 'busy'
print("client can do other stuff here.");
print("getting result value...(will block until available)");
print("resultvalue=", await asyncresult.result);

print("\n* async call, with normal call inbetween:");
await using normalproxy = new Proxy<Thingy>(uri);
asyncresult = new Pending(proxy.divide(100, 5));
print("client does normal call: ", await normalproxy.multiply(5, 20));
print("client does normal call: ", await normalproxy.multiply(5, 30));
print("getting result value of async call...(will block until available)");
print("resultvalue=", await asyncresult.result);

print("\n* async call with exception:");
asyncresult = new Pending(proxy.divide(100, 0)); // a ZeroDivisionError on the server
print("getting result value...");
try {
  const value = await asyncresult.result;
  print("Weird, this shouldn't succeed!?... resultvalue=", value);
} catch (x) {
  if (!(x instanceof RemoteError && x.remoteName === "ZeroDivisionError")) throw x;
  print("got exception (expected):", `${x.remoteName}(${repr(x.message)})`);
}

print("\n* async call with timeout:");
asyncresult = new Pending(proxy.divide(100, 5));
print("checking if ready within 2 seconds...");
let ready = await asyncresult.wait(2); // the server takes 3
print("status after waiting=", ready);
print("checking again if ready within 5 seconds...(should be ok now)");
ready = await asyncresult.wait(5);
print("status after waiting=", ready);
print("available=", asyncresult.ready);
print("resultvalue=", await asyncresult.result);

print("\n* a few async calls at the same time:");
const results = [proxy.divide(100, 7), proxy.divide(100, 6), proxy.divide(100, 5), proxy.divide(100, 4), proxy.divide(100, 3)];
print("getting values...");
for (const result of results) print("result=", await result);

print("\ndone.");
