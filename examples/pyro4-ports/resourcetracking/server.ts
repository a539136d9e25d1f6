/**
 * Port of Pyro4's `examples/resourcetracking`, the server: resources allocated for a client are
 * tracked with its connection, and closed when the client goes away without freeing them.
 *
 * `Pyro4.current_context.track_resource(r)` is `currentContext().trackResource(r)` (anything with
 * a `close()`); overriding `Daemon.clientDisconnect` is the daemon option `onClientDisconnect`.
 */
import { Daemon, behavior, currentContext, expose } from "@pyrots/core";
import { print, repr, tuple } from "../common/python.js";
import { serveSimple } from "../common/serve-simple.js";

/** A fictional resource that must be freed again. */
class Resource {
  constructor(
    readonly name: string,
    private readonly collection: Set<Resource>,
  ) {}

  /** Called by pyrots for a tracked resource when its client's connection ends. */
  close(): void {
    print("Resource: closing", this.name);
    this.collection.delete(this);
  }
}

@expose
@behavior({ instanceMode: "single" })
class Service {
  private readonly resources = new Set<Resource>();

  allocate(name: string): void {
    const resource = new Resource(name, this.resources);
    this.resources.add(resource);
    const ctx = currentContext();
    ctx.trackResource(resource);
    print("service: allocated resource", name, " for client", peername(ctx.client.address));
  }

  free(name: string): void {
    const ctx = currentContext();
    for (const resource of [...this.resources].filter((r) => r.name === name)) {
      this.resources.delete(resource);
      resource.close();
      ctx.untrackResource(resource);
    }
  }

  list(): string[] {
    return [...this.resources].map((r) => r.name);
  }
}

/** `host:port` as Python's `getpeername()` prints it. */
function peername(address: string): string {
  const cut = address.lastIndexOf(":");
  return repr(tuple(address.slice(0, cut), Number(address.slice(cut + 1))));
}

const daemon = await Daemon.create({
  onClientDisconnect(client) {
    print("client disconnects:", peername(client.address));
    print(
      "    resources: ",
      client.trackedResources.map((r) => (r as Resource).name),
    );
  },
});
await serveSimple([[Service, "service"]], { ns: false, daemon });
