/**
 * `Pyro.Daemon`: the object every daemon serves about itself.
 */
import { DaemonError } from "../errors.js";
import { expose } from "../decorators.js";

/** What the daemon object needs to know about its daemon. */
export interface DaemonIntrospection {
  registeredIds(): string[];
  locationText(): string;
  metadataOf(objectId: unknown): { methods: string[]; oneway: string[]; attrs: string[] };
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
}
