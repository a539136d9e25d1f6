/**
 * Port of Pyro4's `examples/callcontext`, the client: correlation ids, custom annotations on
 * requests, the annotations of replies, an HMAC key.
 *
 * Pyro4 subclasses Proxy for this (`_pyroAnnotations`, `_pyroResponseAnnotations`) or sets
 * `Pyro4.current_context.annotations`; in pyrots they are options: `withOptions(proxy,
 * { annotations, correlationId, onAnnotations })` for calls, and `validateHandshake` for the
 * connection's handshake reply.
 */
import { randomUUID } from "node:crypto";
import { type CallOptions, Proxy, type ProxyOptions, type Remote, release, withOptions } from "@pyrots/core";
import { input, print, repr } from "../common/python.js";

interface EchoServer {
  echo(message: string): string;
  oneway(message: string): void;
}

/** Message types as Pyro4 numbers them (what its example prints). */
const CONNECTOK = 2;
const RESULT = 5;

// example: set a single correlation id that should be passed along with every call
const correlationId = randomUUID();
print("correlation id set to:", correlationId);

/** Prints a reply's annotations as the Python example's custom proxy does. */
function printAnnotations(annotations: ReadonlyMap<string, Uint8Array>, msgtype: number): void {
  print(`    Got response (msgtype=${msgtype}). Annotations:`);
  for (const [key, bytes] of annotations) {
    const value = key === "CORR" ? uuidText(bytes) : key === "HMAC" ? "[...]" : repr(bytes);
    print(`      ${key} -> ${value}`);
  }
}

/** The Python example's CustomAnnotationProxy: HMAC key, an annotation on each request, replies' annotations printed. */
function customAnnotationProxy(uri: string, calls: CallOptions = { correlationId }): Remote<EchoServer> {
  const options: ProxyOptions = { hmacKey: "secr3t_k3y", validateHandshake: (_, daemon) => printAnnotations(daemon.annotations, CONNECTOK) };
  return withOptions(new Proxy<EchoServer>(uri, options), {
    ...calls,
    annotations: { XYZZ: "Hello, I am a custom annotation from the proxy!" },
    onAnnotations: (annotations) => printAnnotations(annotations, RESULT),
  });
}

function uuidText(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const uri = await input("Enter the URI of the server object: ");

print("\n------- (older) method to get annotations via callback on custom proxy... -----\n");
{
  await using proxy = customAnnotationProxy(uri);
  print("Sending a few messages using one proxy...");
  for (let i = 0; i < 4; i++) await proxy.echo(`hello-${i}`);
}

for (let i = 0; i < 5; i++) {
  const p = customAnnotationProxy(uri);
  print("Sending one message from new proxy...");
  await p.echo(`hello-${1000 + i}`);
  release(p);
}

{
  await using proxy = customAnnotationProxy(uri);
  print("Sending a oneway message... (should only print a connection ok response)");
  await proxy.oneway("hello-ONEWAY-1");
  print("Sending another oneway message... (should not print a response at all)");
  await proxy.oneway("hello-ONEWAY-2");
  // Pyro4's asynchronous proxy makes the call from another thread, on a connection of its own,
  // where the correlation id set on this thread is not set: the daemon makes up ids instead.
  print("Asynchronous proxy message...");
  await using asyncProxy = customAnnotationProxy(uri, {});
  const result = asyncProxy.echo("hello-ASYNC");
  await result;
}

print("\n------- get annotations via normal proxy and the call context... -----\n");
await input("press enter:");
{
  await using proxy = new Proxy<EchoServer>(uri, { hmacKey: "secr3t_k3y" });
  print("normal call");
  let responseAnnotations: ReadonlyMap<string, Uint8Array> = new Map();
  const onAnnotations = (annotations: ReadonlyMap<string, Uint8Array>) => (responseAnnotations = annotations);
  await withOptions(proxy, { correlationId, annotations: { XYZZ: "custom annotation from client via new way(1)" }, onAnnotations }).echo(
    "hi there - new method of annotation access in client",
  );
  print("Annotations in response were: ", responseAnnotations);

  print("\noneway call");
  responseAnnotations = new Map();
  await withOptions(proxy, { correlationId, annotations: { XYZZ: "custom annotation from client via new way(2)" }, onAnnotations }).oneway(
    "hi there ONEWAY - new method of annotation access in client",
  );
  print("Annotations in response were: ", responseAnnotations);
  print("   (should be empty because oneway!)");
}

print("\nSee the console output on the server for more results.");
