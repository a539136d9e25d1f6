/**
 * Port of Pyro4's `examples/callcontext`, the server: what a method learns from the call context
 * (the client, the message's sequence number, flags and serializer, the correlation id, custom
 * annotations), annotations the daemon adds to every reply, and an HMAC key.
 *
 * `Pyro4.current_context` is `currentContext()` (read it before the method's first `await`);
 * overriding `Daemon.annotations()` is the daemon option `responseAnnotations`; `_pyroHmacKey` is
 * the option `hmacKey`.
 */
import { Daemon, currentContext, expose, oneway } from "@pyrots/core";
import { print, repr } from "../common/python.js";

const OBJECT_ID = "example.context";

@expose
class EchoServer {
  echo(message: string): string {
    const ctx = currentContext();
    print("\nGot Message:", message);
    print("  thread: ", "(one event loop: no threads)");
    print("  obj.pyroid: ", OBJECT_ID);
    print("  obj.daemon: ", daemon.locationStr);
    print("  context.client: ", ctx.client.address);
    print("  context.client_sock_addr: ", ctx.client.address);
    print("  context.seq: ", ctx.seq);
    print("  context.msg_flags: ", ctx.flags);
    print("  context.serializer_id: ", ctx.serializerId);
    print("  context.correlation_id:", uuidText(ctx.correlationId));
    const custom = ctx.annotations.get("XYZZ");
    if (custom) print("  custom annotation 'XYZZ':", repr(custom));
    return message;
  }

  @oneway
  oneway(message: string): void {
    this.echo(message);
  }
}

/** A 16-byte correlation id as UUID text. */
function uuidText(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

await using daemon = await Daemon.create({
  hmacKey: "secr3t_k3y",
  responseAnnotations: () => ({ DDAA: "custom response annotation set by the daemon" }),
});
const uri = daemon.register(EchoServer, OBJECT_ID); // provide a logical name ourselves
print("Server is ready. You can use the following URI to connect:");
print(uri.toString());
await daemon.requestLoop();
