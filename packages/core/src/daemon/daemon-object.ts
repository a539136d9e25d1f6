/**
 * `Pyro.Daemon`: the object every daemon serves about itself.
 */
import { DaemonError, PyroError } from "../errors.js";
import { expose, oneway } from "../decorators.js";
import { activeCaller } from "./context.js";
import type { StreamRegistry } from "./streams.js";

/** What the daemon object needs to know about its daemon. */
export interface DaemonIntrospection {
  registeredIds(): string[];
  locationText(): string;
  metadataOf(objectId: unknown): { methods: string[]; oneway: string[]; attrs: string[] };
  readonly streams: StreamRegistry;
}

/** The built-in `Pyro.Daemon` object, with Pyro4's method names. */
@expose
export class DaemonObject {
  constructor(private readonly daemon: DaemonIntrospection) {}

  /** Ids of all registered objects, `Pyro.Daemon` included. */
  registered(): string[] {
    return this.daemon.registeredIds();
  }

  /** Does nothing; a cheap round trip. */
  ping(): null {
    return null;
  }

  /** A line describing the daemon. */
  info(): string {
    const count = this.daemon.registeredIds().length;
    return `Pyro.Daemon bound on ${this.daemon.locationText()}, NAT None, ${count} objects registered. Servertype: pyrots (Node.js ${process.version})`;
  }

  /** Exposed methods, oneway methods and attributes of a registered object. */
  get_metadata(objectId: string, as_lists = false): { methods: string[]; oneway: string[]; attrs: string[] } {
    void as_lists; // lists are all we ever send
    if (typeof objectId !== "string") throw new DaemonError("unknown object");
    return this.daemon.metadataOf(objectId);
  }

  /** The next item of a remote iterator; Python's StopIteration at its end. */
  get_next_stream_item(streamId: string): unknown {
    if (typeof streamId !== "string") throw new PyroError("item stream terminated");
    return this.daemon.streams.next(streamId, activeCaller() ?? this);
  }

  /** Closes a remote iterator the client no longer wants (called oneway). */
  @oneway
  close_stream(streamId: string): void {
    if (typeof streamId === "string") this.daemon.streams.close(streamId);
  }
}
